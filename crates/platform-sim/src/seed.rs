//! The accounts every simulated platform starts with. Tests can compare against these values.

/// X: one user.
pub mod x {
    /// `data.id` of `GET /2/users/me`.
    pub const USER_ID: &str = "1849000000000000001";
    /// `data.name`.
    pub const NAME: &str = "Socialpub Sim";
    /// `data.username` (without `@`).
    pub const USERNAME: &str = "socialpub_sim";
}

/// Pinterest: one business account with three boards.
pub mod pinterest {
    /// `id` of `GET /v5/user_account`.
    pub const USER_ID: &str = "1090000000000000001";
    /// `username`.
    pub const USERNAME: &str = "socialpubsim";
    /// `business_name`.
    pub const BUSINESS_NAME: &str = "Socialpub Sim Studio";
    /// `(id, name, privacy)` of the boards, in listing order.
    pub const BOARDS: [(&str, &str, &str); 3] = [
        ("1090000000000000101", "Recipes", "PUBLIC"),
        ("1090000000000000102", "Travel plans", "PUBLIC"),
        ("1090000000000000103", "Drafts", "SECRET"),
    ];
}

/// TikTok: one creator.
pub mod tiktok {
    /// `open_id` (per app).
    pub const OPEN_ID: &str = "-000SocialpubSimOpenId0000000001";
    /// `union_id`.
    pub const UNION_ID: &str = "c9d7f2a0-sim-union-0001";
    /// `display_name`.
    pub const DISPLAY_NAME: &str = "Socialpub Sim";
    /// `username` (needs `user.info.profile`).
    pub const USERNAME: &str = "socialpub.sim";
}

/// Facebook: one user who manages two Pages.
pub mod facebook {
    /// App-scoped user id (`GET /me`).
    pub const USER_ID: &str = "10160000000000001";
    /// User name.
    pub const USER_NAME: &str = "Sam Sim";
    /// `(id, name, category)` of the Pages, in `/me/accounts` order.
    pub const PAGES: [(&str, &str, &str); 2] = [
        ("110000000000001", "Socialpub Sim Bakery", "Bakery"),
        ("110000000000002", "Socialpub Sim Books", "Book Store"),
    ];
    /// The first Page's linked Instagram professional account (`instagram_business_account.id`).
    pub const FIRST_PAGE_INSTAGRAM_ID: &str = super::instagram::IG_USER_ID;
}

/// Instagram (Business Login for Instagram): one professional account.
pub mod instagram {
    /// The Instagram-scoped user id returned by the code exchange (`user_id`) and `/me` `id`.
    pub const APP_SCOPED_ID: &str = "9900000000000001";
    /// The professional account id (`IG_ID`), `/me` `user_id`.
    pub const IG_USER_ID: &str = "17841400000000001";
    /// `username`.
    pub const USERNAME: &str = "socialpub.sim";
    /// `name`.
    pub const NAME: &str = "Socialpub Sim";
    /// `account_type`.
    pub const ACCOUNT_TYPE: &str = "BUSINESS";

    /// The account's profile, as both hosts (Instagram Login's and Facebook's Graph) show it
    /// besides their own ids.
    pub fn profile() -> serde_json::Map<String, serde_json::Value> {
        use serde_json::json;
        [
            ("username", json!(USERNAME)),
            ("name", json!(NAME)),
            (
                "profile_picture_url",
                json!("https://scontent.cdninstagram.com/sim/socialpub.sim.jpg"),
            ),
            ("followers_count", json!(1234)),
            ("follows_count", json!(321)),
            ("media_count", json!(56)),
            (
                "biography",
                json!("Simulated Instagram professional account for Socialpub."),
            ),
            ("website", json!("https://socialpub.example")),
        ]
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect()
    }
}

/// LinkedIn: one member who administers one organization.
pub mod linkedin {
    /// `sub` of `/v2/userinfo` (author URN `urn:li:person:{sub}`).
    pub const SUB: &str = "simMbr01Q";
    /// `name`.
    pub const NAME: &str = "Sam Sim";
    /// `given_name`.
    pub const GIVEN_NAME: &str = "Sam";
    /// `family_name`.
    pub const FAMILY_NAME: &str = "Sim";
    /// `email` (with the `email` scope).
    pub const EMAIL: &str = "sam.sim@example.com";
    /// The organization's numeric id (`urn:li:organization:{id}`).
    pub const ORGANIZATION_ID: u64 = 100_000_001;
    /// `localizedName`.
    pub const ORGANIZATION_NAME: &str = "Socialpub Sim Inc.";
    /// `vanityName`.
    pub const ORGANIZATION_VANITY: &str = "socialpub-sim";
}
