//! Walking a list endpoint back in time with its `after` cursor.

use futures_util::stream::{self, Stream};

use crate::client::RestClient;
use crate::error::Error;
use crate::request::Request;

/// A list endpoint that pages with `after` (records older than a cursor).
///
/// The cursor is the endpoint's id or timestamp (`ordId`, `billId`,
/// `tradeId`, `ts`, ...), always decimal digits at OKX, so the oldest item of
/// a page is the one with the smallest cursor, whatever order the page is in.
pub trait Paginated: Request + Clone {
    /// Sets `after`: the next page holds records older than `cursor`.
    fn set_after(&mut self, cursor: Option<String>);

    /// The cursor value of one item.
    fn cursor(item: &Self::Response) -> Option<String>;
}

/// Orders numeric cursors without parsing: shorter is smaller.
fn cursor_key(c: &str) -> (usize, &str) {
    let c = c.trim_start_matches('0');
    (c.len(), c)
}

/// The smallest cursor of a page, i.e. its oldest record.
fn oldest<R: Paginated>(page: &[R::Response]) -> Option<String> {
    page.iter()
        .filter_map(R::cursor)
        .min_by(|a, b| cursor_key(a).cmp(&cursor_key(b)))
}

struct State<R> {
    client: RestClient,
    req: R,
    /// The cursor the current request was sent with.
    after: Option<String>,
    done: bool,
}

impl RestClient {
    /// A stream of pages, newest page first, each page as the endpoint
    /// returns it after [`Request::finish`] (candles: oldest-first within the
    /// page). Ends at the first empty page, when the cursor stops moving, or
    /// after the first error (which it yields).
    pub fn pages<R>(&self, req: R) -> impl Stream<Item = Result<Vec<R::Response>, Error>> + use<R>
    where
        R: Paginated,
    {
        let state = State {
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
                    let next = oldest::<R>(&page);
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
        use futures_util::StreamExt as _;
        self.pages(req).flat_map(|page| {
            let items: Vec<Result<R::Response, Error>> = match page {
                Ok(items) => items.into_iter().map(Ok).collect(),
                Err(e) => vec![Err(e)],
            };
            stream::iter(items)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_cursor_order() {
        assert!(cursor_key("99") < cursor_key("100"));
        assert!(cursor_key("1597026383085") < cursor_key("1597026383086"));
        assert!(cursor_key("0012") == cursor_key("12"));
    }
}
