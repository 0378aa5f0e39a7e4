//! Every shipped example project (`examples/*.toml`, except the deliberately broken
//! `broken-*` ones) parses, passes the checker without an error or a warning, and has an exact,
//! complete, self-consistent budget with the example agency's rates. A few budget figures of
//! the VET and ADU examples are computed by hand from `rulebook/2026.toml` and the example
//! profile.

use std::path::{Path, PathBuf};

use mobiplan_core::budget::{Budget, LineOwner};
use mobiplan_core::{
    Amount, Category, CheckContext, Money, Project, RateProfile, RuleId, Rulebook, Severity,
    budget, check,
};

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn profile(rb: &Rulebook) -> RateProfile {
    let text = std::fs::read_to_string(examples_dir().join("rates/example-agency-2026.toml"))
        .expect("the example rate profile is readable");
    RateProfile::from_toml(&text, rb).expect("the example rate profile is valid")
}

/// The example projects, listed at test time so that a new example is covered without
/// touching this file.
fn example_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(examples_dir())
        .expect("examples/ is readable")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| {
            p.is_file()
                && p.extension().is_some_and(|e| e == "toml")
                && !p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("broken-"))
        })
        .collect();
    files.sort();
    files
}

fn load(name: &str) -> Project {
    let path = examples_dir().join(name);
    let text = std::fs::read_to_string(&path).expect("the example is readable");
    Project::from_toml(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn example_budget(name: &str) -> Budget {
    let rb = Rulebook::embedded(2026).unwrap();
    budget(&load(name), &rb, Some(&profile(&rb)))
}

fn euros(e: i64) -> Amount {
    Amount::exact(Money::from_euros(e))
}

fn category(b: &Budget, c: Category) -> Amount {
    b.by_category
        .iter()
        .find(|t| t.category == c)
        .map(|t| t.amount)
        .unwrap_or_else(|| panic!("no total for {c:?}"))
}

fn activity_total(b: &Budget, id: &str) -> Amount {
    b.by_owner
        .iter()
        .find(|o| matches!(&o.owner, LineOwner::Activity { id: i, .. } if i == id))
        .map(|o| o.amount)
        .unwrap_or_else(|| panic!("no lines for activity {id}"))
}

fn line(b: &Budget, id: &str, c: Category) -> Amount {
    b.lines
        .iter()
        .filter(|l| l.category == c)
        .filter(|l| matches!(&l.owner, LineOwner::Activity { id: i, .. } if i == id))
        .map(|l| l.amount)
        .sum()
}

#[test]
fn the_examples_directory_holds_the_three_fields() {
    let names: Vec<String> = example_files()
        .iter()
        .filter_map(|p| p.file_name()?.to_str().map(str::to_owned))
        .collect();
    for prefix in ["sch-", "vet-", "adu-"] {
        assert!(
            names.iter().any(|n| n.starts_with(prefix)),
            "no {prefix}* example in {names:?}"
        );
    }
}

#[test]
fn every_example_parses_and_has_no_error_or_warning() {
    let rb = Rulebook::embedded(2026).unwrap();
    for path in example_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let p = Project::from_toml(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let findings = check(&p, &rb, &CheckContext::default());
        let serious: Vec<_> = findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .collect();
        assert!(
            serious.is_empty(),
            "{}: errors or warnings: {serious:#?}",
            path.display()
        );
    }
}

#[test]
fn the_vet_and_adu_examples_have_only_the_in_time_deadline_information() {
    let rb = Rulebook::embedded(2026).unwrap();
    for name in [
        "vet-liepaja-vet-school.toml",
        "adu-daugavpils-adult-centre.toml",
    ] {
        let findings = check(&load(name), &rb, &CheckContext::default());
        assert_eq!(findings.len(), 1, "{name}: {findings:#?}");
        let f = &findings[0];
        assert_eq!(f.rule, RuleId::PDeadline, "{name}");
        assert_eq!(f.severity, Severity::Info, "{name}");
        assert_eq!(f.key, "finding.P-DEADLINE.in-time", "{name}");
    }
}

#[test]
fn every_example_budget_is_exact_complete_and_adds_up() {
    let rb = Rulebook::embedded(2026).unwrap();
    let profile = profile(&rb);
    for path in example_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let p = Project::from_toml(&text).unwrap();
        let b = budget(&p, &rb, Some(&profile));
        let name = path.display();
        assert!(b.total.is_exact(), "{name}: total {} is a range", b.total);
        assert!(b.total.min > Money::ZERO, "{name}: empty budget");
        assert!(!b.incomplete, "{name}: budget incomplete");
        for l in &b.lines {
            assert!(l.amount.is_exact(), "{name}: line {l:#?} is a range");
            assert!(!l.incomplete, "{name}: line {l:#?} is incomplete");
            if !l.children.is_empty() {
                let children: Amount = l.children.iter().map(|c| c.amount).sum();
                assert_eq!(children, l.amount, "{name}: children of {}", l.key);
            }
        }
        let lines: Amount = b.lines.iter().map(|l| l.amount).sum();
        let categories: Amount = b.by_category.iter().map(|c| c.amount).sum();
        let owners: Amount = b.by_owner.iter().map(|o| o.amount).sum();
        assert_eq!(b.total, lines, "{name}: total ≠ sum of lines");
        assert_eq!(b.total, categories, "{name}: total ≠ sum of categories");
        assert_eq!(b.total, owners, "{name}: total ≠ sum of owners");
        assert!(b.rate_profile.is_some());
    }
}

// Hand computation, from rulebook/2026.toml and examples/rates/example-agency-2026.toml:
//   travel per traveller (return): 100–499 km standard 211 / green 285;
//                                  500–1999 km standard 309 / green 417
//   daily rates (full / from day 15): staff  group 2: 104 / 73, group 3: 93 / 65
//                                     learners group 2: 56 / 39, group 3: 48 / 34
//   days = activity days + funded travel days; accompanying persons and invited experts get
//   the staff rate; an invited expert gets the rate of the applicant's country (LV, group 3)
//   organisational support per participant: short-term 350, long-term 500,
//   teaching-assignment 350, job-shadowing 350, invited-expert 100, skills-competition 100,
//   course 100, group-mobility 100 (at most 1000 per group); none for accompanying persons
//   linguistic support 150 per long-term participant; inclusion support (organisations) 125
//   per participant with fewer opportunities; course fees 80 per day; preparatory visit 680
//   per person.
//
// VET, Liepāja:
//   placement-bologna (IT, group 2), 4 learners 21 days + 1 teacher for 5 days, plane, 2 travel
//     days, 1497.24 km:
//     travel        5 × 309                                   = 1545
//     learners      23 days: 4 × (14 × 56 + 9 × 39) = 4 × 1135 = 4540
//     accompanying  7 days: 7 × 104                           =  728
//     organisation  4 × 350                                   = 1400
//     activity                                                = 8213
//   erasmuspro-munich (DE, group 2), 2 learners 96 days (2027-01-11 … 04-16), green train,
//     4 travel days, 1127.79 km, linguistic support:
//     travel        2 × 417                                   =  834
//     learners      100 days: 2 × (14 × 56 + 86 × 39) = 2 × 4138 = 8276
//     organisation  2 × 500                                   = 1000
//     linguistic    2 × 150                                   =  300
//     activity                                                = 10410
//   teaching-kaunas (LT, group 3), 1 teacher 5 days, green bus, 2 travel days, 254.36 km:
//     285 + 7 × 93 + 350 = 285 + 651 + 350                    = 1286
//   expert-tampere (at the applicant, LV group 3), 5 days, plane, 2 travel days, 577.53 km:
//     309 + 7 × 93 + 100 = 309 + 651 + 100                    = 1060
//   skills-tallinn (EE, group 3), 2 learners + 1 teacher, 4 days, green bus, 2 travel days,
//     393.6 km:
//     travel 3 × 285 = 855; learners 2 × 6 × 48 = 576; teacher 6 × 93 = 558; organisation
//     2 × 100 = 200                                           = 2189
//   total 8213 + 10410 + 1286 + 1060 + 2189                   = 23158
//   travel 1545 + 834 + 285 + 309 + 855 = 3828; individual support 4540 + 728 + 8276 + 651 +
//   651 + 576 + 558 = 15980; organisational 1400 + 1000 + 350 + 100 + 200 = 3050;
//   linguistic 300; 3828 + 15980 + 3050 + 300 = 23158.
#[test]
fn the_vet_example_budget_matches_the_hand_computation() {
    let b = example_budget("vet-liepaja-vet-school.toml");
    assert_eq!(
        line(&b, "placement-bologna", Category::IndividualSupport),
        euros(4540 + 728)
    );
    assert_eq!(activity_total(&b, "placement-bologna"), euros(8213));
    assert_eq!(
        line(&b, "erasmuspro-munich", Category::IndividualSupport),
        euros(8276)
    );
    assert_eq!(activity_total(&b, "erasmuspro-munich"), euros(10410));
    assert_eq!(activity_total(&b, "teaching-kaunas"), euros(1286));
    assert_eq!(activity_total(&b, "expert-tampere"), euros(1060));
    assert_eq!(activity_total(&b, "skills-tallinn"), euros(2189));
    assert_eq!(category(&b, Category::Travel), euros(3828));
    assert_eq!(category(&b, Category::IndividualSupport), euros(15980));
    assert_eq!(category(&b, Category::OrganisationalSupport), euros(3050));
    assert_eq!(category(&b, Category::LinguisticSupport), euros(300));
    assert_eq!(category(&b, Category::CourseFees), euros(0));
    assert_eq!(b.total, euros(23158));
}

// ADU, Daugavpils:
//   course-vienna (AT, group 2), 1 staff 5 days, plane, 2 travel days, 1098.24 km:
//     travel 309; staff 7 × 104 = 728; fees 5 × 80 = 400; organisation 100   = 1537
//   shadowing-ljubljana (SI, group 3), 2 staff 10 days, green train, 4 travel days,
//     1376.04 km:
//     travel 2 × 417 = 834; staff 14 days, all at the full rate: 2 × 14 × 93 = 2604;
//     organisation 2 × 350 = 700                                              = 4138
//   group-tartu (EE, group 3), 8 learners (2 with fewer opportunities) + 1 accompanying, 5
//     days, green bus, 2 travel days, 277.93 km:
//     travel 9 × 285 = 2565; learners 8 × 7 × 48 = 2688; accompanying 7 × 93 = 651;
//     organisation min(8 × 100, 1000) = 800; inclusion 2 × 125 = 250        = 6954
//   learning-krakow (PL, group 3), 2 learners 14 days, green bus, 2 travel days, 782.95 km:
//     travel 2 × 417 = 834; learners 16 days: 2 × (14 × 48 + 2 × 34) = 2 × 740 = 1480;
//     organisation 2 × 350 = 700                                              = 3014
//   visit-ljubljana: 1 × 680                                                  =  680
//   total 1537 + 4138 + 6954 + 3014 + 680                                     = 16323
//   travel 309 + 834 + 2565 + 834 = 4542; individual support 728 + 2604 + 2688 + 651 + 1480
//   = 8151; organisational 100 + 700 + 800 + 700 = 2300; inclusion 250; fees 400; visits 680.
#[test]
fn the_adu_example_budget_matches_the_hand_computation() {
    let b = example_budget("adu-daugavpils-adult-centre.toml");
    assert_eq!(activity_total(&b, "course-vienna"), euros(1537));
    assert_eq!(
        line(&b, "shadowing-ljubljana", Category::IndividualSupport),
        euros(2604)
    );
    assert_eq!(activity_total(&b, "shadowing-ljubljana"), euros(4138));
    assert_eq!(
        line(&b, "group-tartu", Category::InclusionSupportOrganisations),
        euros(250)
    );
    assert_eq!(activity_total(&b, "group-tartu"), euros(6954));
    assert_eq!(
        line(&b, "learning-krakow", Category::IndividualSupport),
        euros(1480)
    );
    assert_eq!(activity_total(&b, "learning-krakow"), euros(3014));
    assert_eq!(category(&b, Category::Travel), euros(4542));
    assert_eq!(category(&b, Category::IndividualSupport), euros(8151));
    assert_eq!(category(&b, Category::OrganisationalSupport), euros(2300));
    assert_eq!(
        category(&b, Category::InclusionSupportOrganisations),
        euros(250)
    );
    assert_eq!(category(&b, Category::CourseFees), euros(400));
    assert_eq!(category(&b, Category::PreparatoryVisits), euros(680));
    assert_eq!(b.total, euros(16323));
}

#[test]
fn the_vet_recent_graduate_and_the_long_term_placement_are_what_the_example_says() {
    let p = load("vet-liepaja-vet-school.toml");
    let roberts = p.people.iter().find(|x| x.id == "roberts").unwrap();
    assert!(roberts.vet_graduation.is_some());
    let munich = p
        .activities
        .iter()
        .find(|a| a.id == "erasmuspro-munich")
        .unwrap();
    assert_eq!(munich.days(), 96);
    assert!(munich.linguistic_support);
    let expert = p
        .activities
        .iter()
        .find(|a| a.id == "expert-tampere")
        .unwrap();
    assert!(expert.host.is_none() && expert.from.is_some());
}

/// The learners' daily rates of 2026 are an example figure, not a published range: without an
/// agency profile every learner's individual-support line says so (and the budget does), and
/// no staff line does; with a profile none does.
#[test]
fn learner_support_without_a_profile_is_marked_a_placeholder() {
    let rb = Rulebook::embedded(2026).unwrap();
    assert!(
        !rb.funding.individual_support.learners.value.binding,
        "the 2026 learner table is the example one"
    );
    let mut learner_lines = 0;
    for path in example_files() {
        let p = Project::from_toml(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let ranges = budget(&p, &rb, None);
        for l in ranges
            .lines
            .iter()
            .filter(|l| l.category == Category::IndividualSupport)
        {
            let learners = l
                .params
                .iter()
                .any(|u| u.path.contains("individual_support.learners"));
            assert_eq!(l.placeholder, learners, "{}: {:?}", path.display(), l.key);
            learner_lines += usize::from(learners);
        }
        assert_eq!(
            ranges.placeholder,
            ranges.lines.iter().any(|l| l.placeholder),
            "{}",
            path.display()
        );
        let with_profile = budget(&p, &rb, Some(&profile(&rb)));
        assert!(!with_profile.placeholder, "{}", path.display());
        assert!(with_profile.lines.iter().all(|l| !l.placeholder));
    }
    assert!(learner_lines > 0, "some example sends learners");
}
