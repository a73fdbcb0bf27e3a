//! The learned content/boilerplate decision: a gradient-boosted tree ensemble over
//! [`super::features`], trained by `scripts/placement/train.py` and embedded as JSON
//! (`model.json` next to this file), evaluated in plain Rust.
//!
//! The score of a link is the sum of one leaf value per tree; its logistic is the probability
//! that the link is editorial content. The per-feature contributions that explain a decision
//! are the changes of the expected score along each tree's path (each split's feature is
//! credited with the step from the node's value to its child's), so they add up to the score
//! minus the ensemble's mean.

use super::features::{N, NAMES};
use serde::Deserialize;
use std::sync::OnceLock;

/// The embedded model file.
const MODEL_JSON: &str = include_str!("model.json");

/// One tree, as flat arrays: node `i` splits on `feature[i]` at `threshold[i]` (`x <= t` goes
/// to `left[i]`, else `right[i]`); a negative child `c` is leaf `!c`.
#[derive(Debug, Deserialize)]
struct Tree {
    feature: Vec<u16>,
    threshold: Vec<f64>,
    left: Vec<i32>,
    right: Vec<i32>,
    /// Expected score of each split node's training rows.
    value: Vec<f64>,
    leaf: Vec<f64>,
}

/// The model file.
#[derive(Debug, Deserialize)]
pub struct Model {
    /// Version of the model (bumped by each training that changes features or data).
    pub version: String,
    /// SHA-256 of the feature dump it was trained on.
    pub data_sha256: String,
    /// Feature names, in the order of [`super::features::NAMES`].
    features: Vec<String>,
    /// Probability at or above which a link is `content`.
    pub threshold: f64,
    trees: Vec<Tree>,
}

impl Model {
    /// The embedded model (parsed once per process).
    pub fn embedded() -> &'static Model {
        static CELL: OnceLock<Model> = OnceLock::new();
        CELL.get_or_init(|| {
            let m: Model = serde_json::from_str(MODEL_JSON).expect("embedded model parses");
            assert!(
                m.features
                    .iter()
                    .map(String::as_str)
                    .eq(NAMES.iter().copied()),
                "embedded model was trained on other features"
            );
            m
        })
    }

    /// The probability of `content` and each feature's contribution to the score.
    pub fn explain(&self, x: &[f32; N]) -> (f64, [f64; N]) {
        let mut contrib = [0.0; N];
        let mut score = 0.0;
        for t in &self.trees {
            score += leaf_of(t, x, |f, from, to| contrib[f] += to - from);
        }
        (sigmoid(score), contrib)
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Walks `t` for `x` and returns the leaf value; `step(feature, from, to)` sees each split.
fn leaf_of(t: &Tree, x: &[f32; N], mut step: impl FnMut(usize, f64, f64)) -> f64 {
    if t.feature.is_empty() {
        return t.leaf.first().copied().unwrap_or(0.0);
    }
    let mut i = 0usize;
    loop {
        let f = usize::from(t.feature[i]);
        let go = if f64::from(x[f]) <= t.threshold[i] {
            t.left[i]
        } else {
            t.right[i]
        };
        let (to, next) = if go < 0 {
            (t.leaf[!go as usize], None)
        } else {
            (t.value[go as usize], Some(go as usize))
        };
        step(f, t.value[i], to);
        match next {
            Some(n) => i = n,
            None => return to,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_model_loads_and_matches_the_features() {
        let m = Model::embedded();
        assert!(!m.trees.is_empty());
        assert!(m.threshold > 0.0 && m.threshold < 1.0);
        assert!(!m.version.is_empty() && !m.data_sha256.is_empty());
    }

    #[test]
    fn contributions_add_up_to_the_score() {
        let m = Model::embedded();
        let x = [0.0f32; N];
        let (p, c) = m.explain(&x);
        let base: f64 = m
            .trees
            .iter()
            .map(|t| t.value.first().copied().unwrap_or(0.0))
            .sum();
        let z = base + c.iter().sum::<f64>();
        assert!((sigmoid(z) - p).abs() < 1e-9);
    }
}
