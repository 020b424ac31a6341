//! Walking a list endpoint through time with its `after` / `before` cursors.
//!
//! OKX's list endpoints page newest-first: `after=c` returns the newest
//! `limit` records older than `c`, `before=c` the newest `limit` records
//! newer than `c` (not the ones just after `c`: "using only `before`
//! returns the latest data"), and both together the newest `limit`
//! records strictly between them.
//!
//! - [`RestClient::pages`] walks back in time with `after`.
//! - [`RestClient::pages_forward`] delivers every record newer than a
//!   cursor, oldest first. A naive walk with `before` alone would skip
//!   records whenever more than one page is newer than the cursor, so each
//!   round asks `before=c` for the newest page and, while pages come back
//!   full, fills the gap down to `c` with `after=<oldest so far>` and
//!   `before=c` together. The round's pages are then handed out oldest
//!   first, and the next round starts from the newest record seen. A round
//!   holds every record newer than its cursor in memory before it hands
//!   out the first one (OKX offers no way to ask for the oldest records
//!   newer than a cursor).
//! - [`RestClient::follow`] does the same and, once caught up, polls again
//!   every `every` instead of ending.
//!
//! What the streams cannot promise, because OKX's cursors do not allow it:
//!
//! - Where the cursor is a timestamp shared by several records (bills paged
//!   by `ts`, interest accrued, the economic calendar, deposit and convert
//!   histories), OKX's exclusive cursor drops the other records of the
//!   timestamp a page ends on. Page by id where the endpoint offers it
//!   (`asset/bills` with `pagingType=2`).
//! - The forward streams are complete for records that only ever get
//!   added (fills, bills, trades, candles, settlements). A list whose
//!   records appear late in cursor order, such as order history (an order
//!   enters it when it completes, under the id it was created with), can
//!   gain records older than the cursor that a forward walk never sees.
//! - Forward streams hand out final records only: a candle not yet
//!   confirmed is held back and delivered once it closes.

use std::cmp::Ordering;
use std::collections::VecDeque;
use std::time::Duration;

use futures_util::stream::{self, Stream, StreamExt as _};

use crate::client::RestClient;
use crate::error::{Error, Invalid};
use crate::request::Request;

/// A list endpoint that pages with `after` (records older than a cursor)
/// and `before` (records newer than a cursor).
///
/// The cursor is the endpoint's id or timestamp (`ordId`, `billId`,
/// `tradeId`, `ts`, ...), always decimal digits at OKX, so the oldest item
/// of a page is the one with the smallest cursor, whatever order the page
/// is in. The generated request types implement it for every covered
/// endpoint that takes `after` and `before`.
pub trait Paginated: Request + Clone {
    /// Sets `after`: the next page holds records older than `cursor`.
    fn set_after(&mut self, cursor: Option<String>);

    /// Sets `before`: the next page holds records newer than `cursor`.
    fn set_before(&mut self, cursor: Option<String>);

    /// The page size the request asks for (`limit`), when it is set. A
    /// forward walk that knows it can tell a short, final page from a full
    /// one without asking once more.
    fn page_limit(&self) -> Option<usize> {
        None
    }

    /// The cursor of one item (for an item that holds several records,
    /// such as the insurance fund's `details`, its oldest record's).
    /// Which field that is can depend on the request (`history-trades`
    /// with `type=2` and `asset/bills` by default page by timestamp).
    fn cursor(&self, item: &Self::Response) -> Option<String>;

    /// The cursor of the newest record an item holds; the same as
    /// [`Paginated::cursor`] for items that are one record.
    fn newest_cursor(&self, item: &Self::Response) -> Option<String> {
        self.cursor(item)
    }

    /// Whether an item will not change any more. The forward streams stop
    /// each round before the first item that is not final (a candle still
    /// forming, `confirm` false) and fetch it again later, so its final
    /// version is the one handed out.
    fn is_final(&self, _item: &Self::Response) -> bool {
        true
    }

    /// Whether the request can page with `before` at all. OKX refuses
    /// `before` on `history-trades` paged by timestamp (`type=2`, code
    /// 50039); the forward streams answer that with a local error instead
    /// of sending a request OKX would reject.
    fn check_before(&self) -> Result<(), Invalid> {
        Ok(())
    }
}

/// Orders numeric cursors without parsing: shorter is smaller.
fn cursor_key(c: &str) -> (usize, &str) {
    let c = c.trim_start_matches('0');
    (c.len(), c)
}

/// The smallest page size any covered list endpoint documents as its
/// maximum: a page shorter than both this and the `limit` asked for is the
/// last one, whereas a page of 100 may only mean OKX capped a larger
/// `limit` without saying so.
const SMALLEST_MAX_PAGE: usize = 100;

fn cmp_cursor(a: &str, b: &str) -> Ordering {
    cursor_key(a).cmp(&cursor_key(b))
}

/// The smallest of some cursors (for [`Paginated::cursor`] of items that
/// hold several records).
pub(crate) fn oldest_cursor(cursors: impl IntoIterator<Item = String>) -> Option<String> {
    cursors.into_iter().min_by(|a, b| cmp_cursor(a, b))
}

/// The largest of some cursors (for [`Paginated::newest_cursor`]).
pub(crate) fn newest_cursor(cursors: impl IntoIterator<Item = String>) -> Option<String> {
    cursors.into_iter().max_by(|a, b| cmp_cursor(a, b))
}

/// For endpoints whose `after`/`before` are inclusive millisecond bounds
/// (the fiat order histories): the bound one millisecond past a cursor,
/// which excludes the cursor itself. Text that is not a number is passed
/// through unchanged.
pub(crate) fn shift_ms(cursor: &str, by: i64) -> String {
    cursor
        .parse::<i64>()
        .ok()
        .and_then(|c| c.checked_add(by))
        .map_or_else(|| cursor.to_owned(), |c| c.to_string())
}

/// The smallest cursor of a page, i.e. its oldest record.
fn oldest<R: Paginated>(req: &R, page: &[R::Response]) -> Option<String> {
    oldest_cursor(page.iter().filter_map(|i| req.cursor(i)))
}

/// The largest cursor of a page, i.e. its newest record.
fn newest<R: Paginated>(req: &R, page: &[R::Response]) -> Option<String> {
    newest_cursor(page.iter().filter_map(|i| req.newest_cursor(i)))
}

/// Puts a page oldest-first, whichever way OKX sent it.
fn ascending<R: Paginated>(req: &R, page: &mut [R::Response]) {
    let first = page.iter().find_map(|i| req.cursor(i));
    let last = page.iter().rev().find_map(|i| req.cursor(i));
    if let (Some(first), Some(last)) = (first, last)
        && cmp_cursor(&first, &last) == Ordering::Greater
    {
        page.reverse();
    }
}

struct Back<R> {
    client: RestClient,
    req: R,
    /// The cursor the current request was sent with.
    after: Option<String>,
    done: bool,
}

/// Where a forward walk stands between rounds.
struct Forward<R: Request> {
    client: RestClient,
    req: R,
    /// The newest record handed out so far.
    since: String,
    /// Pages of the last round still to hand out, oldest first.
    ready: VecDeque<Vec<R::Response>>,
    /// Poll interval once caught up; `None` ends the stream there.
    every: Option<Duration>,
    /// Whether the next round waits `every` first.
    caught_up: bool,
    done: bool,
}

impl RestClient {
    /// A stream of pages, newest page first, each page as the endpoint
    /// returns it after [`Request::finish`] (candles: oldest-first within the
    /// page). Starts from the request's own `after` (none: the newest page).
    /// Ends at the first empty page, when the cursor stops moving, or
    /// after the first error (which it yields).
    pub fn pages<R>(&self, req: R) -> impl Stream<Item = Result<Vec<R::Response>, Error>> + use<R>
    where
        R: Paginated,
    {
        let state = Back {
            client: self.clone(),
            req,
            after: None,
            done: false,
        };
        stream::unfold(state, |mut st| async move {
            if st.done {
                return None;
            }
            match st.client.send(&st.req).await {
                Err(e) => {
                    st.done = true;
                    Some((Err(e), st))
                }
                Ok(page) if page.is_empty() => None,
                Ok(page) => {
                    let next = oldest(&st.req, &page);
                    // A page whose oldest record is the cursor it was asked
                    // with (e.g. positions-history returns every record of
                    // one uTime) would be asked for again and again.
                    if next.is_none() || next == st.after {
                        st.done = true;
                    }
                    st.after.clone_from(&next);
                    st.req.set_after(next);
                    Some((Ok(page), st))
                }
            }
        })
    }

    /// Every record of a list endpoint, page after page back in time, as
    /// one stream of items (see [`RestClient::pages`] for the order).
    pub fn paginate<R>(&self, req: R) -> impl Stream<Item = Result<R::Response, Error>> + use<R>
    where
        R: Paginated,
    {
        flatten(self.pages(req))
    }

    /// Every record newer than `since` (a cursor: an id or a timestamp, as
    /// the endpoint pages), in pages oldest first, each page oldest first;
    /// ends once caught up with the newest record. No record is skipped
    /// however many are newer than `since`, and none comes twice, within
    /// what OKX's cursors allow:
    ///
    /// - where the cursor is a timestamp several records share (bills by
    ///   `ts`, interest accrued, deposit and convert histories), OKX's
    ///   exclusive cursor drops the other records of the timestamp a page
    ///   ends on; page by id where offered (`asset/bills` `pagingType=2`);
    /// - the walk is complete for lists that only grow at the new end
    ///   (fills, bills, trades, candles); order history gains orders under
    ///   their creation id when they complete, which a forward walk past
    ///   that id never sees;
    /// - only final records are handed out: a candle still forming
    ///   (`confirm` false) is held back and comes once it is confirmed.
    ///
    /// The request's own `after` and `before` are replaced. Setting its
    /// `limit` saves one request per round (a short page then proves the
    /// round complete). A request that cannot page with `before` (e.g.
    /// `history-trades` with `type=2`) yields one [`Error::Invalid`] and
    /// sends nothing. Ends after the first error, which it yields; resume
    /// from the newest record received.
    pub fn pages_forward<R>(
        &self,
        req: R,
        since: String,
    ) -> impl Stream<Item = Result<Vec<R::Response>, Error>> + use<R>
    where
        R: Paginated,
    {
        self.forward(req, since, None)
    }

    /// [`RestClient::pages_forward`] as one stream of items, oldest first.
    pub fn paginate_forward<R>(
        &self,
        req: R,
        since: String,
    ) -> impl Stream<Item = Result<R::Response, Error>> + use<R>
    where
        R: Paginated,
    {
        flatten(self.pages_forward(req, since))
    }

    /// Like [`RestClient::pages_forward`], but never ends when caught up:
    /// it waits `every` between polls and asks again, handing out each new
    /// record once, in order. Ends only after an error, which it yields. A
    /// poll costs one request when fewer new records than `limit` arrived
    /// (one more when the request's `limit` is not set, to see the end),
    /// plus one per further page; each draws from the endpoint's rate
    /// limit like any other call.
    pub fn follow<R>(
        &self,
        req: R,
        since: String,
        every: Duration,
    ) -> impl Stream<Item = Result<Vec<R::Response>, Error>> + use<R>
    where
        R: Paginated,
    {
        self.forward(req, since, Some(every))
    }

    fn forward<R>(
        &self,
        mut req: R,
        since: String,
        every: Option<Duration>,
    ) -> impl Stream<Item = Result<Vec<R::Response>, Error>> + use<R>
    where
        R: Paginated,
    {
        let refused = req.check_before().err();
        req.set_after(None);
        req.set_before(None);
        let state = Forward {
            client: self.clone(),
            req,
            since,
            ready: VecDeque::new(),
            every,
            caught_up: false,
            done: false,
        };
        let stop = refused.is_some();
        let first = stream::iter(refused.map(|e| Err(Error::Invalid(e))));
        let rest = stream::unfold(state, move |mut st| async move {
            if stop {
                return None;
            }
            loop {
                if let Some(page) = st.ready.pop_front() {
                    return Some((Ok(page), st));
                }
                if st.done {
                    return None;
                }
                if st.caught_up {
                    let every = st.every?;
                    tokio::time::sleep(every).await;
                }
                match st.round().await {
                    // A round fetches everything newer than `since`: asking
                    // again at once would only find what arrived meanwhile.
                    Ok(()) => st.caught_up = true,
                    Err(e) => {
                        st.done = true;
                        return Some((Err(e), st));
                    }
                }
            }
        });
        first.chain(rest)
    }
}

impl<R: Paginated> Forward<R> {
    /// Fetches every record newer than `since` into `ready`, oldest page
    /// first, and moves `since` to the newest of them.
    async fn round(&mut self) -> Result<(), Error> {
        let since = self.since.clone();
        let mut top: Option<String> = None;
        let mut pages = Vec::new();
        loop {
            let mut req = self.req.clone();
            req.set_before(Some(since.clone()));
            req.set_after(top.clone());
            let mut page = self.client.send(&req).await?;
            let got = page.len();
            // Only records inside the window asked for: a server that
            // ignored a bound must not make a record come twice.
            page.retain(|item| {
                let newer = req
                    .cursor(item)
                    .is_none_or(|c| cmp_cursor(&c, &since) == Ordering::Greater);
                let older = match (&top, req.newest_cursor(item)) {
                    (Some(t), Some(c)) => cmp_cursor(&c, t) == Ordering::Less,
                    _ => true,
                };
                newer && older
            });
            if page.is_empty() {
                break;
            }
            let next = oldest(&req, &page);
            ascending(&req, &mut page);
            pages.push(page);
            let full = req
                .page_limit()
                .is_none_or(|limit| got >= limit.clamp(1, SMALLEST_MAX_PAGE));
            match next {
                Some(n) if full && top.as_ref().is_none_or(|t| cmp_cursor(&n, t).is_lt()) => {
                    top = Some(n);
                }
                _ => break,
            }
        }
        // The first page asked is the newest window: oldest page last.
        pages.reverse();
        // Hold back everything from the first item that may still change.
        let mut cut = None;
        for (i, page) in pages.iter().enumerate() {
            if let Some(j) = page.iter().position(|item| !self.req.is_final(item)) {
                cut = Some((i, j));
                break;
            }
        }
        if let Some((i, j)) = cut {
            pages.truncate(i + 1);
            pages[i].truncate(j);
            if pages[i].is_empty() {
                pages.pop();
            }
        }
        let newest_seen = pages
            .iter()
            .filter_map(|p| newest(&self.req, p))
            .max_by(|a, b| cmp_cursor(a, b));
        if let Some(n) = newest_seen {
            self.since = n;
        }
        self.ready.extend(pages);
        Ok(())
    }
}

fn flatten<T>(
    pages: impl Stream<Item = Result<Vec<T>, Error>>,
) -> impl Stream<Item = Result<T, Error>> {
    pages.flat_map(|page| {
        let items: Vec<Result<T, Error>> = match page {
            Ok(items) => items.into_iter().map(Ok).collect(),
            Err(e) => vec![Err(e)],
        };
        stream::iter(items)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_cursor_order() {
        assert!(cursor_key("99") < cursor_key("100"));
        assert!(cursor_key("1597026383085") < cursor_key("1597026383086"));
        assert!(cursor_key("0012") == cursor_key("12"));
        assert_eq!(
            oldest_cursor(["300".to_owned(), "99".to_owned(), "100".to_owned()]),
            Some("99".to_owned())
        );
        assert_eq!(
            newest_cursor(["300".to_owned(), "99".to_owned(), "1000".to_owned()]),
            Some("1000".to_owned())
        );
    }

    #[test]
    fn inclusive_bounds_shift_by_one_millisecond() {
        assert_eq!(shift_ms("1700000000000", -1), "1699999999999");
        assert_eq!(shift_ms("1700000000000", 1), "1700000000001");
        assert_eq!(shift_ms("abc", 1), "abc");
        assert_eq!(shift_ms(&i64::MAX.to_string(), 1), i64::MAX.to_string());
    }
}
