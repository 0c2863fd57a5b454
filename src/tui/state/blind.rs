//! The blind pairwise screen: the answers of two models to the same
//! request (or of two variants to a suite's case), shown as A and B in an order drawn at random (names hidden),
//! the votes given so far, and once every pair has its vote, the win rates.

use crate::store::pairwise::{Outcome, Vote};
use crate::store::ratings::{BlindPair, BlindVote};

/// One pair to vote on: who is A and B (hidden) and their answers.
#[derive(Debug, Clone, PartialEq)]
pub struct BlindItem {
    pub pair: BlindPair,
    pub a_text: String,
    pub b_text: String,
    /// What was asked (a suite's case), shown above the answers.
    pub context: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct BlindScreen {
    pub items: Vec<BlindItem>,
    /// The pair shown (== items.len() once all are voted on).
    pub at: usize,
    pub votes: Vec<Vote>,
    pub scroll: usize,
}

impl BlindScreen {
    pub fn current(&self) -> Option<&BlindItem> {
        self.items.get(self.at)
    }

    pub fn done(&self) -> bool {
        self.at >= self.items.len()
    }

    /// Notes `vote` on the current pair and moves to the next.
    pub fn vote(&mut self, vote: BlindVote) -> Option<BlindPair> {
        let item = self.items.get(self.at)?;
        let outcome = match vote {
            BlindVote::A => Outcome::FirstWins,
            BlindVote::B => Outcome::SecondWins,
            BlindVote::Tie => Outcome::Tie,
            BlindVote::BothBad => Outcome::BothBad,
        };
        self.votes.push(Vote {
            first: item.pair.a.name.clone(),
            second: item.pair.b.name.clone(),
            outcome,
        });
        let pair = item.pair.clone();
        self.at += 1;
        self.scroll = 0;
        Some(pair)
    }
}
