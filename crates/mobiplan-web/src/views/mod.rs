pub mod accounts;
pub mod activity;
pub mod exports;
pub mod layout;
pub mod pages;
pub mod partials;
pub mod scenarios;
pub mod tracking;
