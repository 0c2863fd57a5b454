//! The figures here come from statsmodels 0.15 (`proportion_confint(...,
//! method='wilson')`), scipy 1.17 (`binomtest(min(b, c), b + c, 0.5)`,
//! `bootstrap(..., method='percentile')`) and numpy (`quantile`).

use super::*;

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn wilson_matches_statsmodels() {
    let cases = [
        (0, 1, 0.0, 0.7934506856227627),
        (1, 1, 0.2065493143772374, 1.0),
        (7, 10, 0.39677814746114537, 0.8922087325936989),
        (0, 20, 0.0, 0.1611251580528194),
        (20, 20, 0.8388748419471804, 0.9999999999999999),
        (83, 100, 0.7445199523239887, 0.8910643388594006),
        (1, 3, 0.06149194472039626, 0.7923403991979523),
        (500, 1000, 0.4690696003681042, 0.5309303996318958),
    ];
    for (k, n, lo, hi) in cases {
        let i = wilson(k, n).unwrap();
        assert!(close(i.low, lo, 1e-12), "{k}/{n}: low {} vs {lo}", i.low);
        assert!(close(i.high, hi, 1e-12), "{k}/{n}: high {} vs {hi}", i.high);
    }
    assert_eq!(wilson(0, 0), None);
}

#[test]
fn mcnemar_exact_matches_scipy_binomtest() {
    let cases = [
        (7, 2, 0.1796875),
        (2, 7, 0.1796875),
        (0, 0, 1.0),
        (1, 0, 1.0),
        (5, 5, 1.0),
        (10, 0, 0.001953125),
        (3, 12, 0.03515625),
        (60, 40, 0.05688793364098089),
        (600, 540, 0.08051743870793819),
        (2, 9, 0.0654296875),
    ];
    for (b, c, p) in cases {
        let got = mcnemar_exact(b, c);
        assert!(close(got, p, 1e-12), "b={b} c={c}: {got} vs {p}");
    }
    // Far past where 2^-n underflows an f64, the tail is still right.
    let p = mcnemar_exact(3000, 3000);
    assert!(close(p, 1.0, 1e-12), "{p}");
    assert!(mcnemar_exact(3000, 2000) < 1e-40);
}

#[test]
fn quantiles_interpolate_as_numpy_does() {
    let v = [1.5, 2.0, 3.0, 10.0, 0.25, 7.0];
    for (p, want) in [
        (0.0, 0.25),
        (0.5, 2.5),
        (0.95, 9.25),
        (1.0, 10.0),
        (0.3, 1.75),
    ] {
        let got = quantile(&v, p).unwrap();
        assert!(close(got, want, 1e-12), "q{p}: {got} vs {want}");
    }
    assert_eq!(quantile(&[4.0], 0.95), Some(4.0));
    assert_eq!(quantile(&[], 0.5), None);
    assert_eq!(mean(&[]), None);
    assert_eq!(mean(&[1.0, 2.0, 6.0]), Some(3.0));
}

#[test]
fn the_bootstrap_is_reproducible_and_agrees_with_scipy() {
    let d = [
        0.5, -0.25, 0.0, 0.0, 1.0, 0.75, 0.0, -0.5, 0.25, 0.1, 0.0, 0.3,
    ];
    let a = bootstrap_mean(&d, BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED).unwrap();
    let b = bootstrap_mean(&d, BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED).unwrap();
    assert_eq!(a, b, "the same seed gives the same interval");
    // scipy (100,000 resamples): [-0.0375, 0.4125]; resampling noise
    // moves the ends by about 0.01.
    assert!(close(a.low, -0.0375, 0.02), "{a:?}");
    assert!(close(a.high, 0.4125, 0.02), "{a:?}");
    let mean = mean(&d).unwrap();
    assert!(a.low < mean && mean < a.high);
    // A constant difference has no spread.
    let c = bootstrap_mean(&[0.25; 9], 500, 1).unwrap();
    assert_eq!((c.low, c.high), (0.25, 0.25));
    assert_eq!(bootstrap_mean(&[], 500, 1), None);
}

#[test]
fn fisher_one_sided_matches_scipy() {
    // scipy 1.17: fisher_exact([[bp, bf], [ap, af]], alternative='greater').pvalue
    let cases = [
        ((10, 0, 3, 7), 0.001547987616099071),
        ((3, 0, 1, 2), 0.20000000000000004),
        ((1, 0, 0, 1), 0.5),
        ((5, 0, 0, 5), 0.003968253968253969),
        ((3, 2, 1, 4), 0.2619047619047619),
        ((20, 5, 10, 15), 0.004289254075234562),
        ((0, 3, 3, 0), 1.0),
        ((200, 10, 150, 60), 1.1740065455529144e-11),
    ];
    for ((bp, bf, ap, af), want) in cases {
        let p = fisher_exact_greater(bp, bf, ap, af);
        assert!(
            close(p, want, 1e-9 * want.max(1e-3)),
            "[[{bp},{bf}],[{ap},{af}]]: {p} vs {want}"
        );
    }
    // No variation at all: nothing to test.
    assert_eq!(fisher_exact_greater(3, 0, 3, 0), 1.0);
    assert_eq!(fisher_exact_greater(0, 0, 2, 1), 1.0);
}

#[test]
fn newcombe_matches_statsmodels() {
    // statsmodels 0.15: confint_proportions_2indep(after_k, after_n,
    // before_k, before_n, method='newcomb', compare='diff'); the first is
    // Newcombe's (1998) own example, 48/80 - 56/70.
    let cases = [
        (
            (56, 70),
            (48, 80),
            -0.33387265403690614,
            -0.05243147240236498,
        ),
        ((9, 10), (3, 10), -0.809017973535488, -0.1705227239345029),
        ((4, 4), (2, 4), -0.8499610108478506, 0.10205127751366383),
        ((3, 10), (3, 10), -0.359009315676308, 0.359009315676308),
        ((0, 5), (5, 5), 0.38554900569034356, 1.0),
    ];
    for (before, after, lo, hi) in cases {
        let i = newcombe_diff(before, after).unwrap();
        assert!(close(i.low, lo, 1e-9), "{before:?}->{after:?}: {i:?}");
        assert!(close(i.high, hi, 1e-9), "{before:?}->{after:?}: {i:?}");
    }
    assert_eq!(newcombe_diff((0, 0), (1, 1)), None);
}
