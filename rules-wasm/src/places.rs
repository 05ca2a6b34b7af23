//! Places accounting (DESIGN §1.5).
//!
//! Each group has `free` places. Each pool has three counters: `unreserved` (U), `offered`
//! (O, reserved by open offers) and `free_choice` (C). Always, for every pool:
//!
//! ```text
//! sum(group.free over the pool) == U + O + C,   U, O, C, free >= 0,
//! O == number of applications in `offered`.
//! ```
//!
//! Every change of the counters is a [`PlaceMove`]; storage applies its [`PlaceDelta`]
//! with conditions that keep every counter non-negative.

use serde::{Deserialize, Serialize};

use crate::error::{RuleError, RuleResult};

/// Largest number of places published or withdrawn at once, and held by one group.
pub const PLACE_COUNT_MAX: u32 = 10_000;
/// Largest number of groups in one pool.
pub const GROUPS_PER_POOL_MAX: usize = 2_000;

/// A kindergarten group (one group year, one language of instruction).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GroupId(pub String);

/// The queue a child waits in: a region and a group year (the children's birth year).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolKey {
    pub region_id: String,
    pub group_year: i32,
}

/// The pool's three counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlaceCounters {
    pub unreserved: u32,
    pub offered: u32,
    pub free_choice: u32,
}

/// A group's free places.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupPlaces {
    pub group_id: GroupId,
    pub free: u32,
}

/// A pool's places: what the rules need to decide, what storage persists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pool {
    pub key: PoolKey,
    pub counters: PlaceCounters,
    pub groups: Vec<GroupPlaces>,
}

/// One accounting event of §1.5.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "move", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum PlaceMove {
    /// Staff publish `count` places in a group: g.free += n; U += n.
    Publish { group_id: GroupId, count: u32 },
    /// The turn engine offers to the next child: U -= 1; O += 1.
    Offer,
    /// An offer expires: O -= 1; C += 1.
    ExpireOffer,
    /// Signing with an open offer: O -= 1; g.free -= 1.
    TakeOffered { group_id: GroupId },
    /// Signing from free choice: C -= 1; g.free -= 1.
    TakeFreeChoice { group_id: GroupId },
    /// A referral lapses, is cancelled or withdrawn: g.free += 1; U += 1.
    Release { group_id: GroupId },
    /// An application withdrawn while offered gives its reservation back: O -= 1; U += 1.
    ReturnOffer,
    /// Staff withdraw `count` unreserved places: U -= n; g.free -= n.
    Withdraw { group_id: GroupId, count: u32 },
}

/// The signed change a move makes to each counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlaceDelta {
    pub unreserved: i64,
    pub offered: i64,
    pub free_choice: i64,
    pub group: Option<(GroupId, i64)>,
}

impl PlaceMove {
    pub fn delta(&self) -> PlaceDelta {
        let counters = |unreserved, offered, free_choice| PlaceDelta {
            unreserved,
            offered,
            free_choice,
            group: None,
        };
        let with_group = |delta: PlaceDelta, group_id: &GroupId, change: i64| PlaceDelta {
            group: Some((group_id.clone(), change)),
            ..delta
        };
        match self {
            PlaceMove::Publish { group_id, count } => {
                with_group(counters(i64::from(*count), 0, 0), group_id, i64::from(*count))
            }
            PlaceMove::Offer => counters(-1, 1, 0),
            PlaceMove::ExpireOffer => counters(0, -1, 1),
            PlaceMove::TakeOffered { group_id } => with_group(counters(0, -1, 0), group_id, -1),
            PlaceMove::TakeFreeChoice { group_id } => with_group(counters(0, 0, -1), group_id, -1),
            PlaceMove::Release { group_id } => with_group(counters(1, 0, 0), group_id, 1),
            PlaceMove::ReturnOffer => counters(1, -1, 0),
            PlaceMove::Withdraw { group_id, count } => {
                with_group(counters(-i64::from(*count), 0, 0), group_id, -i64::from(*count))
            }
        }
    }
}

fn shifted(value: u32, change: i64, counter: &'static str) -> RuleResult<u32> {
    u32::try_from(i64::from(value) + change)
        .ok()
        .filter(|shifted| *shifted <= PLACE_COUNT_MAX * GROUPS_PER_POOL_MAX as u32)
        .ok_or(RuleError::CounterUnderflow { counter })
}

/// An invariant of §1.5 that does not hold: a defect, never a user error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvariantViolation(pub String);

impl Pool {
    pub fn new(key: PoolKey) -> Self {
        Self { key, counters: PlaceCounters::default(), groups: Vec::new() }
    }

    pub fn group(&self, group_id: &GroupId) -> Option<&GroupPlaces> {
        self.groups.iter().find(|group| &group.group_id == group_id)
    }

    /// Adds a group with no free places (a kindergarten opened a group for this pool).
    pub fn add_group(&mut self, group_id: GroupId) -> RuleResult<()> {
        if self.groups.len() >= GROUPS_PER_POOL_MAX {
            return Err(RuleError::PlaceCountOutOfRange { count: self.groups.len() as u32 });
        }
        if self.group(&group_id).is_none() {
            self.groups.push(GroupPlaces { group_id, free: 0 });
        }
        Ok(())
    }

    pub fn groups_with_free_places(&self) -> u32 {
        self.groups.iter().filter(|group| group.free > 0).count() as u32
    }

    /// Applies a move, all or nothing: on error the pool is unchanged.
    pub fn apply(&mut self, place_move: &PlaceMove) -> RuleResult<()> {
        let delta = place_move.delta();
        let counters = PlaceCounters {
            unreserved: shifted(self.counters.unreserved, delta.unreserved, "unreserved")?,
            offered: shifted(self.counters.offered, delta.offered, "offered")?,
            free_choice: shifted(self.counters.free_choice, delta.free_choice, "free_choice")?,
        };
        let group_update = match &delta.group {
            None => None,
            Some((group_id, change)) => {
                let index = self
                    .groups
                    .iter()
                    .position(|g| &g.group_id == group_id)
                    .ok_or(RuleError::GroupNotInPool)?;
                let free =
                    u32::try_from(i64::from(self.groups[index].free) + change).map_err(|_| {
                        if *change < 0 && delta.unreserved == 0 {
                            RuleError::GroupFull
                        } else {
                            RuleError::CounterUnderflow { counter: "group_free" }
                        }
                    })?;
                if free > PLACE_COUNT_MAX {
                    return Err(RuleError::PlaceCountOutOfRange { count: free });
                }
                Some((index, free))
            }
        };
        self.counters = counters;
        if let Some((index, free)) = group_update {
            self.groups[index].free = free;
        }
        Ok(())
    }

    /// R14: staff publish `count` free places in one of the pool's groups.
    pub fn publish(&self, group_id: &GroupId, count: u32) -> RuleResult<PlaceMove> {
        check_count(count)?;
        let group = self.group(group_id).ok_or(RuleError::GroupNotInPool)?;
        if group.free + count > PLACE_COUNT_MAX {
            return Err(RuleError::PlaceCountOutOfRange { count: group.free + count });
        }
        Ok(PlaceMove::Publish { group_id: group_id.clone(), count })
    }

    /// R14: staff withdraw `count` free places; only unreserved places can be withdrawn.
    pub fn withdraw(&self, group_id: &GroupId, count: u32) -> RuleResult<PlaceMove> {
        check_count(count)?;
        let group = self.group(group_id).ok_or(RuleError::GroupNotInPool)?;
        if count > group.free || count > self.counters.unreserved {
            return Err(RuleError::NotEnoughUnreservedPlaces);
        }
        Ok(PlaceMove::Withdraw { group_id: group_id.clone(), count })
    }

    /// The invariants of §1.5, given how many applications of the pool are `offered`.
    pub fn check_invariants(&self, offered_applications: u64) -> Result<(), InvariantViolation> {
        let group_free: u64 = self.groups.iter().map(|group| u64::from(group.free)).sum();
        let counted = u64::from(self.counters.unreserved)
            + u64::from(self.counters.offered)
            + u64::from(self.counters.free_choice);
        if group_free != counted {
            return Err(InvariantViolation(format!(
                "sum of group free places {group_free} != U+O+C {counted} ({:?})",
                self.counters
            )));
        }
        if u64::from(self.counters.offered) != offered_applications {
            return Err(InvariantViolation(format!(
                "O = {} but {offered_applications} applications are offered",
                self.counters.offered
            )));
        }
        Ok(())
    }
}

fn check_count(count: u32) -> RuleResult<()> {
    if (1..=PLACE_COUNT_MAX).contains(&count) {
        Ok(())
    } else {
        Err(RuleError::PlaceCountOutOfRange { count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool_with_groups() -> Pool {
        let mut pool =
            Pool::new(PoolKey { region_id: "kz-zhetisu-taldykorgan".into(), group_year: 2023 });
        pool.add_group(GroupId("g-kk".into())).expect("room");
        pool.add_group(GroupId("g-ru".into())).expect("room");
        pool
    }

    #[test]
    fn the_table_of_section_1_5() {
        let mut pool = pool_with_groups();
        let kk = GroupId("g-kk".into());
        let publish = pool.publish(&kk, 3).expect("publish");
        pool.apply(&publish).expect("apply");
        assert_eq!(pool.counters, PlaceCounters { unreserved: 3, offered: 0, free_choice: 0 });
        pool.apply(&PlaceMove::Offer).expect("offer");
        pool.apply(&PlaceMove::Offer).expect("offer");
        pool.apply(&PlaceMove::ExpireOffer).expect("expire");
        assert_eq!(pool.counters, PlaceCounters { unreserved: 1, offered: 1, free_choice: 1 });
        pool.apply(&PlaceMove::TakeOffered { group_id: kk.clone() }).expect("sign offered");
        pool.apply(&PlaceMove::TakeFreeChoice { group_id: kk.clone() }).expect("sign free choice");
        assert_eq!(pool.group(&kk).map(|g| g.free), Some(1));
        pool.check_invariants(0).expect("holds");
        pool.apply(&PlaceMove::Release { group_id: kk.clone() }).expect("release");
        assert_eq!(pool.counters.unreserved, 2);
        pool.check_invariants(0).expect("holds");
    }

    #[test]
    fn refusals_change_nothing() {
        let mut pool = pool_with_groups();
        let before = pool.clone();
        assert_eq!(
            pool.apply(&PlaceMove::Offer),
            Err(RuleError::CounterUnderflow { counter: "unreserved" })
        );
        assert_eq!(
            pool.apply(&PlaceMove::TakeFreeChoice { group_id: GroupId("g-kk".into()) })
                .map_err(|e| e.code()),
            Err("counter_underflow")
        );
        assert_eq!(
            pool.apply(&PlaceMove::Release { group_id: GroupId("nope".into()) }),
            Err(RuleError::GroupNotInPool)
        );
        assert_eq!(pool, before);
    }

    #[test]
    fn only_unreserved_places_can_be_withdrawn() {
        // R14.
        let mut pool = pool_with_groups();
        let kk = GroupId("g-kk".into());
        pool.apply(&pool.publish(&kk, 2).expect("publish")).expect("apply");
        pool.apply(&PlaceMove::Offer).expect("offer");
        assert_eq!(pool.withdraw(&kk, 2), Err(RuleError::NotEnoughUnreservedPlaces));
        let withdraw = pool.withdraw(&kk, 1).expect("one is unreserved");
        pool.apply(&withdraw).expect("apply");
        assert_eq!(pool.counters, PlaceCounters { unreserved: 0, offered: 1, free_choice: 0 });
        pool.check_invariants(1).expect("holds");
        assert_eq!(pool.publish(&kk, 0).map_err(|e| e.code()), Err("place_count_out_of_range"));
        assert_eq!(
            pool.publish(&kk, 10_001).map_err(|e| e.code()),
            Err("place_count_out_of_range")
        );
        assert_eq!(pool.publish(&GroupId("other".into()), 1), Err(RuleError::GroupNotInPool));
    }
}
