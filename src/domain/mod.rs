//! Pure rules with no I/O: grading answers and the points they earn.

pub mod badges;
pub mod campaign;
pub mod grading;
pub mod matching;
pub mod periods;
pub mod points;
pub mod review;
pub mod streaks;
