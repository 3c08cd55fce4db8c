//! Catalog data: EC2 instance types and Fargate sizes.
