//! Pure rules with no I/O: grading answers and the points they earn.

pub mod campaign;
pub mod grading;
pub mod points;
