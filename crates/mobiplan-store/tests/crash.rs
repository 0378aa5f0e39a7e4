//! Crash test: a child process saves in a loop and prints every acknowledged version; the
//! parent kills it with SIGKILL mid-stream, reopens the SQLite file, and finds every
//! acknowledged version (and an intact database).
//!
//! The child is this test binary itself, re-invoked to run only `crash_child` with
//! [`CHILD_ENV`] set; in a normal test run `crash_child` does nothing.
#![cfg(unix)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::project;
use mobiplan_store::{Store, StoreConfig};

/// Set (to "<data dir>\n<project id>") in the child process only.
const CHILD_ENV: &str = "MOBIPLAN_STORE_CRASH_CHILD";
const ROUNDS: usize = 3;
const ACKS_PER_ROUND: usize = 150;

fn title(version: i64) -> String {
    format!("saved as version {version}")
}

/// The child: saves version after version and prints `ACK <version>` after each save that
/// returned `Ok`, until it is killed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_child() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return; // not the child: nothing to do
    };
    let (dir, id) = spec.split_once('\n').expect("dir\\nid");
    let store = Store::open(StoreConfig::Sqlite(PathBuf::from(dir)))
        .await
        .expect("child: open");
    let mut version = store.get_project(id).await.expect("child: get").version;
    loop {
        let next = version + 1;
        let saved = store
            .save_project(id, &project(&title(next)), version)
            .await
            .expect("child: save");
        assert_eq!(saved.version, next);
        version = saved.version;
        let mut out = std::io::stdout().lock();
        writeln!(out, "ACK {version}").expect("child: stdout");
        out.flush().expect("child: flush");
    }
}

/// Runs the child until it has acknowledged `n` saves, then kills it (SIGKILL) and returns the
/// acknowledged versions.
fn run_child_and_kill(dir: &std::path::Path, id: &str, n: usize) -> Vec<i64> {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["crash_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, format!("{}\n{id}", dir.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn the child");
    let stdout = child.stdout.take().unwrap();
    let mut acks = Vec::new();
    let mut lines = BufReader::new(stdout).lines();
    let read_ack = |acks: &mut Vec<i64>, line: std::io::Result<String>| {
        let line = line.expect("read the child's output");
        if let Some(v) = line.strip_prefix("ACK ") {
            acks.push(v.parse::<i64>().expect("a version"));
        }
    };
    for line in lines.by_ref() {
        read_ack(&mut acks, line);
        if acks.len() == n {
            break;
        }
    }
    // SIGKILL, while the child is in the middle of its next save.
    child.kill().expect("kill the child");
    let status = child.wait().unwrap();
    // The child may have acknowledged more saves before the kill than were read so far (they
    // are still in the pipe): those are acknowledged too.
    for line in lines {
        read_ack(&mut acks, line);
    }
    assert!(
        acks.len() >= n,
        "the child stopped after {} acknowledgements ({status})",
        acks.len()
    );
    assert!(!status.success(), "the child was killed: {status}");
    acks
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_saves_survive_sigkill() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return; // in the child only `crash_child` runs
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let config = StoreConfig::Sqlite(dir.clone());
    let id = {
        let store = Store::open(config.clone()).await.unwrap();
        let p = store.create_project(&project(&title(1))).await.unwrap();
        store.close().await;
        p.id
    };

    let mut acknowledged = vec![1];
    for round in 0..ROUNDS {
        let (d, i) = (dir.clone(), id.clone());
        let acks = tokio::time::timeout(
            Duration::from_secs(300),
            tokio::task::spawn_blocking(move || run_child_and_kill(&d, &i, ACKS_PER_ROUND)),
        )
        .await
        .expect("the child acknowledges in time")
        .unwrap();
        assert!(
            acks.windows(2).all(|w| w[1] == w[0] + 1),
            "consecutive versions"
        );
        acknowledged.extend(acks);

        let store = Store::open(config.clone()).await.unwrap();
        store.integrity_check().await.unwrap();
        let current = store.get_project(&id).await.unwrap();
        let last = *acknowledged.last().unwrap();
        // The save in flight at the kill may or may not have been committed.
        assert!(
            current.version == last || current.version == last + 1,
            "round {round}: stored version {} after acknowledged {last}",
            current.version
        );
        assert_eq!(current.document.project.title, title(current.version));
        for v in &acknowledged {
            let doc = store
                .project_version(&id, *v)
                .await
                .unwrap_or_else(|e| panic!("round {round}: acknowledged version {v} lost: {e}"));
            assert_eq!(doc.project.title, title(*v));
        }
        let versions = store.list_project_versions(&id).await.unwrap();
        assert_eq!(versions.len() as i64, current.version, "no gaps");
        store.close().await;
        // The next round continues from whatever is stored now.
        if current.version == last + 1 {
            acknowledged.push(last + 1);
        }
    }
    assert!(acknowledged.len() > ROUNDS * ACKS_PER_ROUND);
}
