//! Pure rules with no I/O: grading answers and the points they earn.

pub mod grading;
pub mod points;
