//! Quizzes the engine generates: each question is built from a seed, and its answer is the engine's own
//! decision, with the explanation the engine gives.

/// The kinds of generated quiz.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuizKind {
    /// Where will the next task be placed? (placement strategies)
    Placement,
    /// What does the deployment do next? (minimumHealthyPercent and maximumPercent)
    Deployment,
    /// Which permission is missing? (IAM policy evaluation)
    Permission,
}

impl QuizKind {
    pub const ALL: [QuizKind; 3] = [QuizKind::Placement, QuizKind::Deployment, QuizKind::Permission];

    pub fn as_str(self) -> &'static str {
        match self {
            QuizKind::Placement => "placement",
            QuizKind::Deployment => "deployment",
            QuizKind::Permission => "permission",
        }
    }

    pub fn from_str(text: &str) -> Option<QuizKind> {
        QuizKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}
