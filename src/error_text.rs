//! Error text for people: an error with its causes on one line, each cause once, never a `Debug`
//! dump (some client libraries print their cause as `Some(…)`).

/// `error: cause: root cause`, skipping a cause whose text the previous one already holds.
pub fn with_causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut last = text.clone();
    let mut cause = error.source();
    while let Some(e) = cause {
        let part = e.to_string();
        if !part.is_empty() && !last.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        last = part;
        cause = e.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("{text}")]
    struct Layer {
        text: &'static str,
        #[source]
        inner: Option<Box<Layer>>,
    }

    fn layer(text: &'static str, inner: Option<Layer>) -> Layer {
        Layer {
            text,
            inner: inner.map(Box::new),
        }
    }

    #[test]
    fn causes_are_joined_once_each() {
        let e = layer(
            "client error (Connect)",
            Some(layer(
                "tcp connect error",
                Some(layer("Connection refused (os error 111)", None)),
            )),
        );
        assert_eq!(
            with_causes(&e),
            "client error (Connect): tcp connect error: Connection refused (os error 111)"
        );
        let repeated = layer("timed out: deadline", Some(layer("deadline", None)));
        assert_eq!(with_causes(&repeated), "timed out: deadline");
    }
}
