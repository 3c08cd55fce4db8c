//! Placement and cluster-query-language tests.
