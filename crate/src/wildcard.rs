//! Wildcard matching as AWS uses it in IAM actions and resources and in load balancer rule conditions:
//! `*` matches any run of characters (possibly none), `?` exactly one.

/// Whether `text` matches `pattern`; with `ignore_case`, ASCII letters compare case-insensitively.
/// Iterative with one backtrack point, so it runs in O(pattern × text) at worst and never recurses.
pub fn wildcard_match(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let norm = |c: char| if ignore_case { c.to_ascii_lowercase() } else { c };
    let p: Vec<char> = pattern.chars().map(norm).collect();
    let t: Vec<char> = text.chars().map(norm).collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && p[pi] == t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::wildcard_match;

    #[test]
    fn stars_and_question_marks() {
        assert!(wildcard_match("s3:Get*", "s3:GetObject", false));
        assert!(wildcard_match("S3:get*", "s3:GetObject", true));
        assert!(!wildcard_match("S3:get*", "s3:GetObject", false));
        assert!(wildcard_match("/api/*", "/api/orders", false));
        assert!(wildcard_match("*a", "*ba", false), "a star in the text is an ordinary character");
        assert!(wildcard_match("a?c", "abc", false));
        assert!(!wildcard_match("a?c", "ac", false));
        assert!(wildcard_match("*", "", false));
    }
}
