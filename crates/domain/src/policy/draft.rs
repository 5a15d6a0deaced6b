use serde_json::{Map, Value};

use super::account::AccountLimits;
use crate::{Asset, Platform};

/// What is about to be published, borrowed from the request or the job.
#[derive(Debug, Clone, Copy)]
pub struct ContentDraft<'a> {
    pub platform: Platform,
    pub text: &'a str,
    pub assets: &'a [Asset],
    pub options: &'a Map<String, Value>,
    /// The account's live limits, when the caller has them (TikTok creator info).
    pub account: Option<&'a AccountLimits>,
}

impl<'a> ContentDraft<'a> {
    pub fn new(
        platform: Platform,
        text: &'a str,
        assets: &'a [Asset],
        options: &'a Map<String, Value>,
    ) -> Self {
        Self {
            platform,
            text,
            assets,
            options,
            account: None,
        }
    }

    pub fn with_account_limits(mut self, account: &'a AccountLimits) -> Self {
        self.account = Some(account);
        self
    }
}
