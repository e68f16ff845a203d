//! The Fluent catalogues, compiled into the app (one file per part of the interface, in
//! each language), and parsed on first use.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource};
use unic_langid::LanguageIdentifier;

use super::Language;

/// Declares the catalogue files: one per part of the interface, in every language.
macro_rules! catalogue_files {
    ($($part:literal),* $(,)?) => {
        /// The text of every file of `language`'s catalogue.
        fn sources(language: Language) -> &'static [&'static str] {
            match language {
                Language::English => &[$(include_str!(concat!("../../locales/en/", $part, ".ftl"))),*],
                Language::German => &[$(include_str!(concat!("../../locales/de/", $part, ".ftl"))),*],
                Language::French => &[$(include_str!(concat!("../../locales/fr/", $part, ".ftl"))),*],
            }
        }
    };
}

catalogue_files!(
    "common",
    "entry",
    "meeting",
    "panels",
    "controls",
    "integrity",
    "enrollment"
);

type Bundle = FluentBundle<FluentResource>;

thread_local! {
    static BUNDLES: RefCell<HashMap<Language, Rc<Bundle>>> = RefCell::new(HashMap::new());
}

/// `language`'s messages. A file that does not parse keeps the messages it could read
/// (the catalogue test keeps that from shipping).
pub fn bundle(language: Language) -> Rc<Bundle> {
    BUNDLES.with(|bundles| {
        bundles
            .borrow_mut()
            .entry(language)
            .or_insert_with(|| Rc::new(build(language)))
            .clone()
    })
}

fn build(language: Language) -> Bundle {
    let id: LanguageIdentifier = language
        .code()
        .parse()
        .unwrap_or_else(|_| LanguageIdentifier::default());
    let mut bundle = FluentBundle::new(vec![id]);
    // No Unicode isolation marks around variables: names show (and are matched) as typed.
    bundle.set_use_isolating(false);
    for source in sources(language) {
        let resource =
            FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(partial, _)| partial);
        // A message defined twice keeps its first definition.
        let _ = bundle.add_resource(resource);
    }
    bundle
}

/// Message `id` in `language`, else in English, else the id itself.
pub fn format(language: Language, id: &str, args: Option<&FluentArgs>) -> String {
    format_in(language, id, args)
        .or_else(|| format_in(Language::English, id, args))
        .unwrap_or_else(|| id.to_owned())
}

fn format_in(language: Language, id: &str, args: Option<&FluentArgs>) -> Option<String> {
    let bundle = bundle(language);
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = Vec::new();
    Some(
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned(),
    )
}

/// The id of every message in `language`'s catalogue, in file order.
pub fn message_ids(language: Language) -> Vec<String> {
    sources(language)
        .iter()
        .flat_map(|source| {
            let resource = FluentResource::try_new((*source).to_owned())
                .unwrap_or_else(|(partial, _)| partial);
            resource
                .entries()
                .filter_map(|entry| match entry {
                    fluent_syntax::ast::Entry::Message(message) => Some(message.id.name.to_owned()),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The variables messages may use (a message using another fails the format test).
    const VARIABLES: [&str; 25] = [
        "name",
        "names",
        "count",
        "device",
        "detail",
        "kind",
        "code",
        "seconds",
        "minutes",
        "chair",
        "suite",
        "error",
        "reason",
        "language",
        "number",
        "total",
        "emoji",
        "layer",
        "build",
        "date",
        "organisation",
        "role",
        "fingerprint",
        "pin",
        "organisations",
    ];

    #[test]
    fn every_file_parses() {
        for language in Language::ALL {
            for source in sources(language) {
                if let Err((_, errors)) = FluentResource::try_new((*source).to_owned()) {
                    panic!("{}: {errors:?}", language.code());
                }
            }
        }
    }

    #[test]
    fn every_language_has_every_message_once() {
        let english: BTreeSet<String> = message_ids(Language::English).into_iter().collect();
        assert_eq!(
            english.len(),
            message_ids(Language::English).len(),
            "an English id twice"
        );
        for language in [Language::German, Language::French] {
            let ids = message_ids(language);
            let set: BTreeSet<String> = ids.iter().cloned().collect();
            assert_eq!(set.len(), ids.len(), "{}: an id twice", language.code());
            let missing: Vec<_> = english.difference(&set).collect();
            let extra: Vec<_> = set.difference(&english).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", language.code());
            assert!(
                extra.is_empty(),
                "{} has unknown {extra:?}",
                language.code()
            );
        }
    }

    #[test]
    fn every_message_formats_without_error() {
        use fluent_bundle::FluentArgs;
        for language in Language::ALL {
            let bundle = bundle(language);
            for id in message_ids(language) {
                let Some(pattern) = bundle.get_message(&id).and_then(|message| message.value())
                else {
                    panic!("{}: {id} has no value", language.code());
                };
                // Every variable a message may use, as text and as a number.
                let mut args = FluentArgs::new();
                for name in VARIABLES {
                    args.set(name, 1);
                }
                let mut errors = Vec::new();
                let _ = bundle.format_pattern(pattern, Some(&args), &mut errors);
                assert!(errors.is_empty(), "{}: {id}: {errors:?}", language.code());
            }
        }
    }
}
