//! Test reports: TAP (version 14, one subtest per test function) or JUnit
//! XML, closing with the line `N passed, N failed`.

use std::io::Write;

/// The report format of `dues test --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Tap,
    Junit,
}

/// What one test function (or one test file that did not load) came to.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub name: String,
    pub file: String,
    pub passed: bool,
    /// The TAP lines it printed, diagnostics included.
    pub lines: Vec<String>,
    pub seconds: f64,
}

/// Prints outcomes as they arrive (TAP) or at the end (JUnit).
pub struct Reporter {
    format: Format,
    outcomes: Vec<Outcome>,
}

impl Reporter {
    pub fn new(format: Format) -> Reporter {
        Reporter {
            format,
            outcomes: Vec::new(),
        }
    }

    pub fn plan(&mut self, n: usize) {
        if self.format == Format::Tap {
            out(&format!("TAP version 14\n1..{n}"));
        }
    }

    pub fn comment(&mut self, line: &str) {
        if self.format == Format::Tap {
            out(&format!("# {}", line.trim_start_matches('#').trim_start()));
        }
    }

    pub fn report(&mut self, o: Outcome) {
        if self.format == Format::Tap {
            let mut text = format!("# Subtest: {}\n", o.name);
            for line in &o.lines {
                text.push_str(&format!("    {line}\n"));
            }
            let status = if o.passed { "ok" } else { "not ok" };
            let n = self.outcomes.len() + 1;
            text.push_str(&format!("{status} {n} - {}", o.name));
            if !o.file.is_empty() {
                text.push_str(&format!(" # {}", o.file));
            }
            out(&text);
        }
        self.outcomes.push(o);
    }

    /// Prints the summary; returns (passed, failed).
    pub fn finish(&mut self) -> (usize, usize) {
        let failed: Vec<&Outcome> = self.outcomes.iter().filter(|o| !o.passed).collect();
        let passed = self.outcomes.len() - failed.len();
        let summary = format!("{passed} passed, {} failed", failed.len());
        match self.format {
            Format::Tap => {
                for f in &failed {
                    out(&format!("# failed: {} ({})", f.name, f.file));
                }
                out(&summary);
            }
            Format::Junit => {
                out(&junit(&self.outcomes));
                eprintln!("{summary}");
            }
        }
        (passed, failed.len())
    }
}

fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{text}");
    let _ = stdout.flush();
}

/// A TAP assertion line (`ok …` or `not ok …`), at any indentation.
pub fn is_assertion(line: &str) -> bool {
    let l = line.trim_start();
    l.starts_with("ok ") || l.starts_with("not ok ")
}

/// A failed assertion that is not marked TODO.
pub fn is_failure(line: &str) -> bool {
    let l = line.trim_start();
    l.starts_with("not ok ") && !l.contains("# TODO")
}

/// JUnit XML, as CI systems read it: one testcase per test function.
pub fn junit(outcomes: &[Outcome]) -> String {
    let failures = outcomes.iter().filter(|o| !o.passed).count();
    let total: f64 = outcomes.iter().map(|o| o.seconds).sum();
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"{}\" failures=\"{failures}\" time=\"{total:.3}\">\n  <testsuite name=\"dues\" tests=\"{}\" failures=\"{failures}\" time=\"{total:.3}\">\n",
        outcomes.len(),
        outcomes.len()
    );
    for o in outcomes {
        x.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
            escape(&o.file),
            escape(&o.name),
            o.seconds
        ));
        if o.passed {
            x.push_str("/>\n");
        } else {
            let first = o
                .lines
                .iter()
                .find(|l| is_failure(l) || l.trim_start().starts_with("# "))
                .cloned()
                .unwrap_or_default();
            x.push_str(&format!(
                ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                escape(first.trim()),
                escape(&o.lines.join("\n"))
            ));
        }
    }
    x.push_str("  </testsuite>\n</testsuites>");
    x
}

fn escape(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .fold(String::new(), |mut acc, c| {
            match c {
                '&' => acc.push_str("&amp;"),
                '<' => acc.push_str("&lt;"),
                '>' => acc.push_str("&gt;"),
                '"' => acc.push_str("&quot;"),
                '\'' => acc.push_str("&apos;"),
                c => acc.push(c),
            }
            acc
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(name: &str, passed: bool, lines: &[&str]) -> Outcome {
        Outcome {
            name: name.into(),
            file: "tests/sql/x.sql".into(),
            passed,
            lines: lines.iter().map(|s| s.to_string()).collect(),
            seconds: 0.01,
        }
    }

    #[test]
    fn todo_failures_are_not_failures() {
        assert!(is_failure("not ok 3 - refuses"));
        assert!(is_failure("    not ok 3 - refuses"));
        assert!(!is_failure("not ok 3 - later # TODO not yet"));
        assert!(!is_failure("ok 3 - refuses"));
        assert!(is_assertion("ok 1"));
        assert!(!is_assertion("# ok 1"));
    }

    #[test]
    fn junit_names_the_failed_test_and_escapes() {
        let x = junit(&[
            outcome("tests.test_a", true, &["ok 1 - a"]),
            outcome(
                "tests.test_b",
                false,
                &["not ok 1 - b <&>", "# Failed test 1"],
            ),
        ]);
        assert!(x.contains("tests=\"2\" failures=\"1\""));
        assert!(x.contains("<testcase classname=\"tests/sql/x.sql\" name=\"tests.test_a\""));
        assert!(x.contains("<failure message=\"not ok 1 - b &lt;&amp;&gt;\">"));
    }
}
