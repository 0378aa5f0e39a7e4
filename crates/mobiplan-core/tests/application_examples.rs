//! The links between the application's objectives and the activities, on the shipped
//! examples: every example links both ways (N-ACTIVITY-LINKED and N-OBJECTIVE-SERVED are
//! silent), and taking one link away makes the rule fire at exactly that field — for every
//! activity and every objective of every example.

use std::path::{Path, PathBuf};

use mobiplan_core::project::file::ProjectFile;
use mobiplan_core::project::parse_toml;
use mobiplan_core::{CheckContext, Finding, Project, RuleId, Rulebook, check};

fn examples() -> Vec<(PathBuf, ProjectFile)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut out: Vec<(PathBuf, ProjectFile)> = std::fs::read_dir(&dir)
        .expect("examples/ is readable")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "toml")
                && !p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("broken-"))
        })
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable");
            let file = parse_toml(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, file)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 4, "the examples are there");
    out
}

fn findings(file: ProjectFile) -> Vec<Finding> {
    let rb = Rulebook::embedded(file.project.call_year).expect("the example's call year");
    let project = Project::from_file(file).expect("the example still reads");
    check(&project, &rb, &CheckContext::default())
}

fn of(findings: &[Finding], rule: RuleId) -> Vec<&Finding> {
    findings.iter().filter(|f| f.rule == rule).collect()
}

#[test]
fn an_activity_without_its_objectives_is_named_at_its_field() {
    for (path, file) in examples() {
        let all = findings(file.clone());
        assert!(
            of(&all, RuleId::NActivityLinked).is_empty(),
            "{}",
            path.display()
        );
        assert!(
            of(&all, RuleId::NObjectiveServed).is_empty(),
            "{}",
            path.display()
        );
        for i in 0..file.activities.len() {
            let mut f = file.clone();
            f.activities[i].objectives.clear();
            let out = findings(f);
            let linked = of(&out, RuleId::NActivityLinked);
            assert_eq!(linked.len(), 1, "{} activity {i}", path.display());
            assert_eq!(
                linked[0].field.as_deref(),
                Some(format!("activities[{i}].objectives").as_str()),
                "{}",
                path.display()
            );
        }
    }
}

#[test]
fn an_objective_no_activity_serves_is_named() {
    for (path, file) in examples() {
        let objectives = file
            .application
            .as_ref()
            .map(|a| a.objectives.clone())
            .unwrap_or_default();
        assert!(!objectives.is_empty(), "{} has objectives", path.display());
        for (i, objective) in objectives.iter().enumerate() {
            let mut f = file.clone();
            for a in &mut f.activities {
                a.objectives.retain(|o| *o != objective.id);
            }
            let out = findings(f);
            let served = of(&out, RuleId::NObjectiveServed);
            assert_eq!(
                served.len(),
                1,
                "{} objective {}: {served:#?}",
                path.display(),
                objective.id
            );
            assert!(
                served[0]
                    .field
                    .as_deref()
                    .is_some_and(|f| f.starts_with(&format!("application.objectives[{i}]"))),
                "{}: {:?}",
                path.display(),
                served[0].field
            );
        }
    }
}
