//! skip/take paging with the `X-Paging-*` headers (API-SUMMARY.md §1.5). Lists are bare arrays.

use std::collections::HashMap;

use axum::http::HeaderName;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::error::ApiError;
use crate::handler::{param, query_map, set_number, QueryArg};

/// Combell's page size when `take` is not given, for every paged list.
pub const DEFAULT_TAKE: usize = 25;

/// The most items one page holds, whatever `take` asks: a huge `take` gets this many, and
/// `X-Paging-Take` says how many came back, as the spec allows ("might differ from the
/// requested take").
pub const MAX_TAKE: usize = 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    pub skip: usize,
    pub take: usize,
}

impl Paging {
    pub fn from_query(query: &HashMap<String, String>) -> Result<Paging, ApiError> {
        let number = |name: &str, default: usize, min: usize| -> Result<usize, ApiError> {
            match param(query, name) {
                None => Ok(default),
                Some(text) => text
                    .parse::<i32>()
                    .ok()
                    .and_then(|n| usize::try_from(n).ok())
                    .filter(|n| *n >= min)
                    .ok_or_else(|| {
                        ApiError::invalid(
                            &format!("paging_{name}_invalid"),
                            format!("'{name}' must be a whole number of at least {min}."),
                        )
                    }),
            }
        };
        let skip = number("skip", 0, 0);
        let take = number("take", DEFAULT_TAKE, 1);
        match (skip, take) {
            (Ok(skip), Ok(take)) => Ok(Paging {
                skip,
                take: take.min(MAX_TAKE),
            }),
            (Err(ApiError::Validation(mut a)), Err(ApiError::Validation(b))) => {
                a.extend(b);
                Err(ApiError::Validation(a))
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        }
    }

    /// One page of `items`, answered with its headers.
    pub fn respond<T: Serialize>(self, items: Vec<T>) -> Response {
        let total = items.len();
        let page: Vec<T> = items.into_iter().skip(self.skip).take(self.take).collect();
        let returned = page.len();
        let mut response = Json(page).into_response();
        let headers = response.headers_mut();
        let as_u64 = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        for (name, value) in [
            ("x-paging-skipped", self.skip),
            ("x-paging-take", returned),
            ("x-paging-totalresults", total),
        ] {
            set_number(headers, HeaderName::from_static(name), as_u64(value));
        }
        response
    }
}

/// A paged list: the query is read (400 for a malformed one or bad paging), `list` makes the
/// whole list from the query's other parameters, and one page of it is answered.
pub(crate) fn paged<T: Serialize>(
    query: QueryArg,
    list: impl FnOnce(&HashMap<String, String>) -> Result<Vec<T>, ApiError>,
) -> Response {
    let page = query_map(query).and_then(|query| {
        let paging = Paging::from_query(&query)?;
        Ok(paging.respond(list(&query)?))
    });
    page.unwrap_or_else(IntoResponse::into_response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_and_explicit_values() {
        assert_eq!(
            Paging::from_query(&query(&[])).unwrap(),
            Paging { skip: 0, take: 25 }
        );
        assert_eq!(
            Paging::from_query(&query(&[("skip", "5"), ("take", "2")])).unwrap(),
            Paging { skip: 5, take: 2 }
        );
    }

    #[test]
    fn bad_values_are_all_reported() {
        match Paging::from_query(&query(&[("skip", "-1"), ("take", "0")])) {
            Err(ApiError::Validation(errors)) => {
                let codes: Vec<_> = errors.iter().map(|e| e.error_code.as_str()).collect();
                assert_eq!(codes, ["paging_skip_invalid", "paging_take_invalid"]);
            }
            other => panic!("{other:?}"),
        }
        assert!(Paging::from_query(&query(&[("take", "lots")])).is_err());
    }

    #[test]
    fn a_huge_take_is_capped_and_the_headers_tell() {
        let paging = Paging::from_query(&query(&[("take", "2147483647")])).unwrap();
        assert_eq!(paging.take, MAX_TAKE);
        let response = Paging {
            skip: 1,
            take: MAX_TAKE,
        }
        .respond((0..1500).collect::<Vec<i32>>());
        let header = |n: &str| response.headers()[n].to_str().unwrap().to_string();
        assert_eq!(header("x-paging-skipped"), "1");
        assert_eq!(header("x-paging-take"), "1000");
        assert_eq!(header("x-paging-totalresults"), "1500");
    }
}
