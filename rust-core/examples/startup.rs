//! Start-up cost breakdown: registry parse, compile, then each lazily built matcher.
use smishgate_core::signals::{claims, links, otp};
use smishgate_core::text::normalize;
use smishgate_core::{classify, Message, Options, Registry, RegistryFile};
use std::time::Instant;
fn main() {
    let t = Instant::now();
    let f = RegistryFile::default_registry();
    let a = t.elapsed();
    let r = Registry::compile(f, "JP").unwrap();
    let b = t.elapsed();
    let n = normalize::normalize("hi 認証コード 123456 https://a.top/x");
    let c = t.elapsed();
    let _ = links::extract(&n);
    let d = t.elapsed();
    let _ = otp::extract(&n);
    let e = t.elapsed();
    let _ = claims::pressure(&n.folded, &[]);
    let g = t.elapsed();
    let _ = classify(
        &Message {
            sender: "x",
            body: "hi 認証コード 123456 https://a.top/x",
            cut: false,
        },
        &r,
        &Options::default(),
    );
    let h = t.elapsed();
    println!(
        "parse {a:?} compile {:?} normalize {:?} links {:?} otp {:?} pressure {:?} rest {:?}",
        b - a,
        c - b,
        d - c,
        e - d,
        g - e,
        h - g
    );
}
