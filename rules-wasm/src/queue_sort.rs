//! The one sort of the queue ([`crate::queue::QueueOrder`]): a stable bottom-up merge sort of
//! entry indices. Std's `sort_unstable_by` gives the same order for a queue (no two waiting
//! applications compare equal: ties of registration time are broken by the unique id), and
//! its pattern-defeating quicksort costs kilobytes of the browser's WebAssembly module; this
//! is a few hundred bytes, O(n log n) in time, and one buffer of `n` indices.

use std::cmp::Ordering;

/// Sorts `indices` by `ordering`, keeping the order of equal ones (as `sort_by` does).
pub fn sort_indices_by(
    indices: &mut Vec<usize>,
    mut ordering: impl FnMut(usize, usize) -> Ordering,
) {
    let mut from = std::mem::take(indices);
    let mut to = vec![0; from.len()];
    let mut width = 1;
    while width < from.len() {
        for (run, out) in from.chunks(2 * width).zip(to.chunks_mut(2 * width)) {
            let (left, right) = run.split_at(width.min(run.len()));
            merge(left, right, out, &mut ordering);
        }
        std::mem::swap(&mut from, &mut to);
        width *= 2;
    }
    *indices = from;
}

/// Merges the sorted runs `left` and `right` into `out` (as long as both); on a tie the
/// left one first.
fn merge(
    left: &[usize],
    right: &[usize],
    out: &mut [usize],
    ordering: &mut impl FnMut(usize, usize) -> Ordering,
) {
    let (mut left, mut right) = (left.iter().copied().peekable(), right.iter().copied().peekable());
    for slot in out {
        let take_right = match (left.peek(), right.peek()) {
            (Some(&a), Some(&b)) => ordering(b, a) == Ordering::Less,
            (None, _) => true,
            (Some(_), None) => false,
        };
        let next = if take_right { right.next() } else { left.next() };
        *slot = next.unwrap_or_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The same order as std's stable sort, ties included, on keys with many repeats.
        #[test]
        fn sorts_as_std_sort_by(keys in proptest::collection::vec(0u8..20, 0..300)) {
            let mut merged: Vec<usize> = (0..keys.len()).collect();
            sort_indices_by(&mut merged, |a, b| keys[a].cmp(&keys[b]));
            let mut std_sorted: Vec<usize> = (0..keys.len()).collect();
            std_sorted.sort_by(|a, b| keys[*a].cmp(&keys[*b]));
            prop_assert_eq!(merged, std_sorted);
        }
    }
}
