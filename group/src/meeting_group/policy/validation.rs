//! The rules every member checks on someone else's commit before merging it.
