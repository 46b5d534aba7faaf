//! Creating an object exactly once although the API's answer can be lost.
//!
//! A POST that fails with a 5xx, a broken connection or a timeout may have created its object
//! (the transport never re-sends such a POST). Sending it again could make a second one; giving
//! up could leave the first one orphaned, outside the state. So every resource creates through
//! [`create_once`]: when a POST's fate is not known ([`client::Error::write_fate`]), it looks the
//! object up by its natural key (a mailbox's address, an account's identifier, a database's
//! name...) and adopts what it finds; only when the object is absent is the POST sent again
//! (a bounded number of times). A repeat that the API refuses as "already exists" means the lost
//! request did take effect and its object is still being provisioned: the lookup is then
//! repeated until the object appears, within the create's time limit.
//!
//! A paid order ([`CreateSpec::order`]) is stricter: a second order costs money. It is looked
//! up before it is sent (an earlier apply may have placed it and lost the answer), it is never
//! sent twice by one create, and after a lost answer an object that does not show is waited for
//! (within `settle`) instead of being ordered again. When the lookup cannot decide, the failure
//! says so ([`CreateFailure::pending`]) and the resource keeps a pending entry in the state, so
//! that the next plan or apply looks again before anything is bought.

use std::future::Future;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::core::api_error;
use combell_api::{self as client, CancellationToken, WriteFate};
use tfplugin::Diagnostic;

/// POSTs sent at most for one create, the first one included.
const MAX_POSTS: u32 = 3;
/// Pause before a POST is sent again, doubled each time (the API had trouble a moment ago).
const REPEAT_PAUSE: Duration = Duration::from_millis(500);
/// Pause between lookups while a lost request's object is being provisioned.
const SETTLE_POLL: Duration = Duration::from_secs(1);
/// Lookups tried before the create gives up on knowing what happened, and the pause before
/// the second one (doubled after each). The transport retries gateway errors within each.
const LOOKUP_ATTEMPTS: u32 = 4;
const LOOKUP_PAUSE: Duration = Duration::from_millis(500);

/// How a create ended.
#[derive(Debug)]
pub(crate) enum Created<T, F> {
    /// A POST answered normally with `T` (the new id, or the job to wait for).
    Posted(T),
    /// A POST's answer was lost and the object it made was found by its natural key.
    Found(F),
}

/// Why a create ended without an object: the API error and, when the create had to look for
/// the object, what that showed and what to do.
#[derive(Debug)]
pub(crate) struct CreateFailure {
    pub error: client::Error,
    pub note: Option<String>,
    /// The object may exist (a request may have taken effect and no lookup has shown it to be
    /// absent): the resource keeps a pending entry so that the next run looks before it sends.
    pub pending: bool,
}

impl CreateFailure {
    fn plain(error: client::Error) -> CreateFailure {
        CreateFailure {
            error,
            note: None,
            pending: false,
        }
    }

    fn undecided(error: client::Error, note: String) -> CreateFailure {
        CreateFailure {
            error,
            note: Some(note),
            pending: true,
        }
    }

    /// The diagnostic for the user: the API error, then the note.
    pub fn diagnostic(&self, summary: impl Into<String>) -> Diagnostic {
        let mut diag = api_error(summary, &self.error);
        if let Some(note) = &self.note {
            diag.detail.push_str("\n\n");
            diag.detail.push_str(note);
        }
        diag
    }
}

/// What is being created, for log lines and messages.
pub(crate) struct CreateSpec<'a> {
    /// Log module of the resource.
    pub module: &'static str,
    /// The object in words, such as `mailbox "info@example.com"`.
    pub what: &'a str,
    /// How long to keep looking for an object whose creation the API says is under way.
    /// Zero for synchronous creates: the object exists as soon as the API says so.
    pub settle: Duration,
    /// Ctrl-C: no POST is sent again after it, and settling ends early.
    pub cancel: &'a CancellationToken,
    /// `Some` for a paid order: where the user can see whether it was placed (such as "the
    /// certificate requests in the Combell control panel"). See the module documentation.
    pub order: Option<&'a str>,
}

impl CreateSpec<'_> {
    /// The note of a failure after which an order may have been placed.
    fn order_note(&self, check: &str, why: String) -> String {
        format!(
            "An order for {} may have been placed and billed: {why} Nothing was ordered a \
             second time. The state keeps a pending entry, so the next plan or apply looks for \
             the order again and adopts it before anything is ordered. To check it yourself, \
             see {check}.",
            self.what
        )
    }
}

/// Sends the create with `post` and reconciles a lost answer with `lookup` (which must find
/// only the object this create made: see the module documentation). Lookups are not cut short
/// by Ctrl-C: an object that may exist must be found.
pub(crate) async fn create_once<T, F, P, PF, L, LF>(
    spec: CreateSpec<'_>,
    mut post: P,
    mut lookup: L,
) -> Result<Created<T, F>, CreateFailure>
where
    P: FnMut() -> PF,
    PF: Future<Output = Result<T, client::Error>>,
    L: FnMut() -> LF,
    LF: Future<Output = Result<Option<F>, client::Error>>,
{
    let started = Instant::now();
    if let Some(check) = spec.order {
        // An earlier run may have placed this order and lost its answer.
        match look_up(&spec, &mut lookup).await {
            Ok(Some(found)) => {
                hclog::warn(
                    spec.module,
                    "the order exists already; recording it instead of ordering again",
                    &[("object", json!(spec.what))],
                );
                return Ok(Created::Found(found));
            }
            Ok(None) => {}
            Err(lookup_err) => {
                let note = format!(
                    "Nothing was ordered: an order is only sent once a lookup has shown that {} \
                     was not ordered before (by an earlier run whose answer was lost), and that \
                     lookup failed. The state keeps a pending entry, so the next plan or apply \
                     looks again first. To check it yourself, see {check}.",
                    spec.what
                );
                return Err(CreateFailure::undecided(lookup_err, note));
            }
        }
    }
    // The last POST whose fate was not known: from then on an "already exists" answer means
    // that POST took effect.
    let mut lost: Option<client::Error> = None;
    let mut posts = 0u32;
    loop {
        posts += 1;
        let err = match post().await {
            Ok(answer) => return Ok(Created::Posted(answer)),
            Err(err) => err,
        };
        if lost.is_some() && err.is_already_exists() {
            hclog::warn(
                spec.module,
                "a repeated create was refused as existing: the lost request took effect; \
                 waiting for its object",
                &[("object", json!(spec.what))],
            );
            return settle(&spec, &mut lookup, started, err, true)
                .await
                .map(Created::Found);
        }
        let fate = err.write_fate();
        if fate == WriteFate::NotDone {
            let note = lost.as_ref().map(|first| {
                format!(
                    "An earlier request to create {} failed without an answer ({first}); {} was \
                     then looked up and not found, so nothing was created.",
                    spec.what, spec.what
                )
            });
            return Err(CreateFailure {
                error: err,
                note,
                pending: false,
            });
        }
        hclog::warn(
            spec.module,
            "the create's answer was lost; looking for the object by its natural key",
            &[
                ("object", json!(spec.what)),
                ("error", json!(err.to_string())),
                ("attempt", json!(posts)),
            ],
        );
        match look_up(&spec, &mut lookup).await {
            Ok(Some(found)) => {
                hclog::warn(
                    spec.module,
                    "the object of the lost create exists; recording it",
                    &[("object", json!(spec.what))],
                );
                return Ok(Created::Found(found));
            }
            Ok(None) if fate == WriteFate::Done || spec.order.is_some() => {
                // Combell accepted the request, or may have (and a second order costs money):
                // the object is there or on its way.
                return settle(&spec, &mut lookup, started, err, true)
                    .await
                    .map(Created::Found);
            }
            Ok(None) => {}
            Err(lookup_err) => {
                let note = match spec.order {
                    Some(check) => spec.order_note(
                        check,
                        format!(
                            "Combell may have carried out the request although its answer was \
                             lost, and looking for the order afterwards failed too \
                             ({lookup_err})."
                        ),
                    ),
                    None => format!(
                        "Whether {} was created is not known: looking it up afterwards failed \
                         too ({lookup_err}). Check at Combell (control panel or a data source) \
                         before applying again; if it exists, import it.",
                        spec.what
                    ),
                };
                return Err(CreateFailure::undecided(err, note));
            }
        }
        if posts >= MAX_POSTS || spec.cancel.is_cancelled() {
            // An object provisioned by a job does not show until its job ends, so a lookup
            // after the last lost request cannot tell "not made" from "on its way": a type
            // that waits for jobs (a non-zero settle) looks until its time limit instead of
            // declaring it absent.
            if fate == WriteFate::Unknown && !spec.settle.is_zero() && !spec.cancel.is_cancelled() {
                return settle(&spec, &mut lookup, started, err, false)
                    .await
                    .map(Created::Found);
            }
            return Err(CreateFailure {
                pending: false,
                note: Some(format!(
                    "{posts} request(s) to create {} failed without a usable answer; each time \
                     it was looked up afterwards and not found, so nothing was created. Apply \
                     again when the API works.",
                    spec.what
                )),
                error: err,
            });
        }
        hclog::info(
            spec.module,
            "the lost create made nothing; sending it again",
            &[("object", json!(spec.what)), ("attempt", json!(posts + 1))],
        );
        let pause = REPEAT_PAUSE.saturating_mul(1 << (posts - 1));
        tokio::select! {
            _ = spec.cancel.cancelled() => return Err(CreateFailure::plain(err)),
            _ = tokio::time::sleep(pause) => {}
        }
        lost = Some(err);
    }
}

/// One lookup, tried again on errors: giving up here leaves an object that may exist outside
/// the state, so a passing failure of the API must not decide it.
async fn look_up<F, L, LF>(
    spec: &CreateSpec<'_>,
    lookup: &mut L,
) -> Result<Option<F>, client::Error>
where
    L: FnMut() -> LF,
    LF: Future<Output = Result<Option<F>, client::Error>>,
{
    let mut pause = LOOKUP_PAUSE;
    let mut attempt = 1;
    loop {
        match lookup().await {
            Err(err) if attempt < LOOKUP_ATTEMPTS && !err.is_cancelled() => {
                hclog::warn(
                    spec.module,
                    "looking up the object of a lost create failed; trying again",
                    &[
                        ("object", json!(spec.what)),
                        ("error", json!(err.to_string())),
                        ("attempt", json!(attempt)),
                    ],
                );
                tokio::time::sleep(pause).await;
                pause = pause.saturating_mul(2);
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Looks the object up until it appears or `spec.settle` has passed since the create started.
async fn settle<F, L, LF>(
    spec: &CreateSpec<'_>,
    lookup: &mut L,
    started: Instant,
    err: client::Error,
    accepted: bool,
) -> Result<F, CreateFailure>
where
    L: FnMut() -> LF,
    LF: Future<Output = Result<Option<F>, client::Error>>,
{
    // Whether Combell said it took the request (or refused a repeat as existing), or only
    // may have: the words of a failure differ.
    let request = if accepted {
        format!("Combell accepted a request to create {}", spec.what)
    } else {
        format!(
            "The last request to create {} may have been carried out",
            spec.what
        )
    };
    loop {
        match look_up(spec, lookup).await {
            Ok(Some(found)) => {
                hclog::warn(
                    spec.module,
                    "the object of the lost create appeared; recording it",
                    &[("object", json!(spec.what))],
                );
                return Ok(found);
            }
            Ok(None) => {}
            Err(lookup_err) => {
                let note = match spec.order {
                    Some(check) => spec.order_note(
                        check,
                        format!(
                            "the request's answer was lost, and looking for the order \
                             afterwards failed ({lookup_err})."
                        ),
                    ),
                    None => format!(
                        "{request}, but its answer was lost, and looking the object up failed \
                         ({lookup_err}). Check at Combell before applying again; if it exists, \
                         import it."
                    ),
                };
                return Err(CreateFailure::undecided(err, note));
            }
        }
        if started.elapsed() >= spec.settle || spec.cancel.is_cancelled() {
            let waited = started.elapsed().as_secs();
            let note = match spec.order {
                Some(check) => spec.order_note(
                    check,
                    format!(
                        "the request's answer was lost, and the order had not shown at Combell \
                         after {waited}s (it may still be on its way)."
                    ),
                ),
                None => format!(
                    "{request}, but its answer was lost, and the object had not appeared after \
                     {waited}s. It is probably still being provisioned: wait for it, then import \
                     it (or apply again; a create of the same object is refused while it \
                     exists)."
                ),
            };
            return Err(CreateFailure::undecided(err, note));
        }
        tokio::select! {
            _ = spec.cancel.cancelled() => {}
            _ = tokio::time::sleep(SETTLE_POLL) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::collections::VecDeque;

    use super::*;
    use combell_api::ApiError;

    fn api(status: u16, body: &str) -> client::Error {
        client::Error::Api(Box::new(ApiError::from_body(
            status,
            "POST",
            "/v2/mailboxes",
            body.as_bytes(),
        )))
    }

    fn exists() -> client::Error {
        api(
            400,
            r#"{"error_code":"mailbox_already_exists","error_text":"exists"}"#,
        )
    }

    /// Runs `create_once` against scripted answers; returns the result, the POSTs and lookups made.
    fn run(
        posts: Vec<Result<&'static str, client::Error>>,
        lookups: Vec<Result<Option<&'static str>, client::Error>>,
        settle: Duration,
    ) -> Outcome {
        run_spec(posts, lookups, settle, None)
    }

    type Outcome = (
        Result<Created<&'static str, &'static str>, CreateFailure>,
        usize,
        usize,
    );

    fn run_spec(
        posts: Vec<Result<&'static str, client::Error>>,
        lookups: Vec<Result<Option<&'static str>, client::Error>>,
        settle: Duration,
        order: Option<&'static str>,
    ) -> Outcome {
        let posts = RefCell::new(VecDeque::from(posts));
        let lookups = RefCell::new(VecDeque::from(lookups));
        let (post_count, lookup_count) = (RefCell::new(0), RefCell::new(0));
        let cancel = CancellationToken::new();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let result = runtime.block_on(create_once(
            CreateSpec {
                module: "test",
                what: "mailbox \"a@b.be\"",
                settle,
                cancel: &cancel,
                order,
            },
            || {
                *post_count.borrow_mut() += 1;
                let next = posts.borrow_mut().pop_front().expect("an unexpected POST");
                async move { next }
            },
            || {
                *lookup_count.borrow_mut() += 1;
                let next = lookups.borrow_mut().pop_front().unwrap_or(Ok(None));
                async move { next }
            },
        ));
        (result, post_count.into_inner(), lookup_count.into_inner())
    }

    #[test]
    fn an_answered_post_is_taken_as_is() {
        let (result, posts, lookups) = run(vec![Ok("id")], vec![], Duration::ZERO);
        assert!(matches!(result, Ok(Created::Posted("id"))));
        assert_eq!((posts, lookups), (1, 0));
    }

    #[test]
    fn a_refusal_is_not_looked_up_or_repeated() {
        let (result, posts, lookups) = run(vec![Err(api(400, ""))], vec![], Duration::ZERO);
        let failure = result.unwrap_err();
        assert!(failure.note.is_none());
        assert_eq!((posts, lookups), (1, 0));
    }

    #[test]
    fn a_lost_answer_whose_object_exists_adopts_it() {
        let (result, posts, lookups) = run(
            vec![Err(api(500, ""))],
            vec![Ok(Some("found"))],
            Duration::ZERO,
        );
        assert!(matches!(result, Ok(Created::Found("found"))));
        assert_eq!((posts, lookups), (1, 1));
    }

    #[test]
    fn a_lost_answer_without_object_is_sent_again() {
        let (result, posts, lookups) = run(
            vec![Err(api(503, "")), Ok("second")],
            vec![Ok(None)],
            Duration::ZERO,
        );
        assert!(matches!(result, Ok(Created::Posted("second"))));
        assert_eq!((posts, lookups), (2, 1));
    }

    #[test]
    fn repeats_are_bounded_and_say_nothing_was_created() {
        let (result, posts, lookups) = run(
            vec![Err(api(502, "")), Err(api(502, "")), Err(api(502, ""))],
            vec![],
            Duration::ZERO,
        );
        let failure = result.unwrap_err();
        assert_eq!((posts, lookups), (MAX_POSTS as usize, MAX_POSTS as usize));
        let text = failure.diagnostic("Unable to create").detail;
        assert!(text.contains("nothing was created"), "{text}");
    }

    #[test]
    fn an_object_of_a_job_that_the_last_lost_request_started_is_waited_for() {
        // Two requests refused before they were read, the third carried out with its answer
        // lost: its object shows only when its job ends, after the third lookup.
        let (result, posts, lookups) = run(
            vec![Err(api(503, "")), Err(api(503, "")), Err(api(500, ""))],
            vec![Ok(None), Ok(None), Ok(None), Ok(Some("found"))],
            Duration::from_secs(60),
        );
        assert!(matches!(result, Ok(Created::Found("found"))));
        assert_eq!((posts, lookups), (MAX_POSTS as usize, 4));
    }

    #[test]
    fn a_failed_lookup_says_the_outcome_is_unknown() {
        let (result, posts, lookups) = run(
            vec![Err(api(500, ""))],
            (0..LOOKUP_ATTEMPTS).map(|_| Err(api(500, ""))).collect(),
            Duration::ZERO,
        );
        let text = result.unwrap_err().diagnostic("Unable to create").detail;
        assert!(text.contains("not known"), "{text}");
        assert!(text.contains("import it"), "{text}");
        assert_eq!((posts, lookups), (1, LOOKUP_ATTEMPTS as usize));
    }

    #[test]
    fn a_passing_lookup_failure_is_tried_again() {
        let (result, posts, lookups) = run(
            vec![Err(api(500, ""))],
            vec![Err(api(500, "")), Ok(Some("found"))],
            Duration::ZERO,
        );
        assert!(matches!(result, Ok(Created::Found("found"))));
        assert_eq!((posts, lookups), (1, 2));
    }

    #[test]
    fn exists_after_a_lost_answer_waits_for_the_object() {
        // The first POST started provisioning, the repeat is refused, the object shows up on
        // the third lookup.
        let (result, posts, lookups) = run(
            vec![Err(api(500, "")), Err(exists())],
            vec![Ok(None), Ok(None), Ok(Some("late"))],
            Duration::from_secs(60),
        );
        assert!(matches!(result, Ok(Created::Found("late"))));
        assert_eq!((posts, lookups), (2, 3));
    }

    #[test]
    fn exists_after_a_lost_answer_gives_up_at_the_settle_limit() {
        let (result, _, lookups) = run(
            vec![Err(api(500, "")), Err(exists())],
            vec![],
            Duration::from_secs(2),
        );
        let text = result.unwrap_err().diagnostic("Unable to create").detail;
        assert!(text.contains("had not appeared"), "{text}");
        assert!(lookups >= 2, "{lookups}");
    }

    #[test]
    fn exists_on_the_first_post_is_a_plain_refusal() {
        let (result, posts, lookups) = run(vec![Err(exists())], vec![], Duration::from_secs(60));
        assert!(result.unwrap_err().note.is_none());
        assert_eq!((posts, lookups), (1, 0));
    }

    #[test]
    fn an_accepted_request_without_its_id_waits_for_the_object() {
        let no_location = client::Error::UnexpectedResponse {
            method: "POST".into(),
            path: "/v2/accounts".into(),
            status: 202,
            message: "no Location header in the answer".into(),
        };
        let (result, posts, _) = run(
            vec![Err(no_location)],
            vec![Ok(None), Ok(Some("there"))],
            Duration::from_secs(60),
        );
        assert!(matches!(result, Ok(Created::Found("there"))));
        assert_eq!(posts, 1);
    }

    const CHECK: Option<&str> = Some("the orders in the control panel");

    #[test]
    fn an_order_found_before_it_is_sent_is_adopted_without_a_post() {
        let (result, posts, lookups) =
            run_spec(vec![], vec![Ok(Some("earlier"))], Duration::ZERO, CHECK);
        assert!(matches!(result, Ok(Created::Found("earlier"))));
        assert_eq!((posts, lookups), (0, 1));
    }

    #[test]
    fn an_order_whose_first_lookup_fails_is_not_sent() {
        let (result, posts, lookups) = run_spec(
            vec![],
            (0..LOOKUP_ATTEMPTS).map(|_| Err(api(500, ""))).collect(),
            Duration::ZERO,
            CHECK,
        );
        let failure = result.unwrap_err();
        assert!(failure.pending);
        let text = failure.diagnostic("Unable to create").detail;
        assert!(text.contains("Nothing was ordered"), "{text}");
        assert!(text.contains("the orders in the control panel"), "{text}");
        assert_eq!((posts, lookups), (0, LOOKUP_ATTEMPTS as usize));
    }

    #[test]
    fn a_lost_order_is_found_and_adopted() {
        let (result, posts, _) = run_spec(
            vec![Err(api(500, ""))],
            vec![Ok(None), Ok(Some("ordered"))],
            Duration::ZERO,
            CHECK,
        );
        assert!(matches!(result, Ok(Created::Found("ordered"))));
        assert_eq!(posts, 1);
    }

    #[test]
    fn a_lost_order_that_does_not_show_is_never_sent_again() {
        let (result, posts, lookups) = run_spec(
            vec![Err(api(502, ""))],
            vec![],
            Duration::from_secs(2),
            CHECK,
        );
        let failure = result.unwrap_err();
        assert!(failure.pending);
        let text = failure.diagnostic("Unable to create").detail;
        assert!(text.contains("may have been placed"), "{text}");
        assert!(text.contains("pending entry"), "{text}");
        assert_eq!(posts, 1);
        assert!(lookups >= 3, "{lookups}");
    }

    #[test]
    fn a_lost_order_whose_lookup_fails_says_it_may_have_been_placed() {
        let mut lookups: Vec<_> = vec![Ok(None)];
        lookups.extend((0..LOOKUP_ATTEMPTS).map(|_| Err(api(500, ""))));
        let (result, posts, _) = run_spec(vec![Err(api(500, ""))], lookups, Duration::ZERO, CHECK);
        let failure = result.unwrap_err();
        assert!(failure.pending);
        let text = failure.diagnostic("Unable to create").detail;
        assert!(text.contains("may have been placed"), "{text}");
        assert!(text.contains("the orders in the control panel"), "{text}");
        assert_eq!(posts, 1);
    }

    #[test]
    fn an_unknown_outcome_is_pending_and_a_refusal_is_not() {
        let (result, _, _) = run(
            vec![Err(api(500, ""))],
            (0..LOOKUP_ATTEMPTS).map(|_| Err(api(500, ""))).collect(),
            Duration::ZERO,
        );
        assert!(result.unwrap_err().pending);
        let (result, _, _) = run(vec![Err(api(400, ""))], vec![], Duration::ZERO);
        assert!(!result.unwrap_err().pending);
    }
}
