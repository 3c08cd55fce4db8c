//! The cluster query language of memberOf constraints (to be implemented with placement).
