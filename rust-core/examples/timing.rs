use smishgate_core::*;
fn main() {
    let reg = Registry::builtin();
    let samples = [
        "https://a.b.c.d.e.f.g.h.top/".repeat(1500),
        "sbisec.co.jp.".repeat(3000),
        "認証コード 123456 ".repeat(3000),
        "【SBI証券】".repeat(6000),
        "@".repeat(40_000),
        "a.".repeat(20_000),
        "hxxps://x[.]top ".repeat(2500),
        "1234-".repeat(8000),
        "https://www.google.com/url?q=https://www.google.com/url?q=".repeat(700),
    ];
    for (i, b) in samples.iter().enumerate() {
        let t = std::time::Instant::now();
        let v = classify(
            &Message {
                sender: "x",
                body: b,
                cut: false,
            },
            reg,
            &Options::default(),
        );
        println!("{i} {:?} {}", t.elapsed(), v.links.len());
    }
}
