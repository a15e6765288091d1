//! `cargo run --release -p smishgate-tests --bin score [-- --ids]`: the confusion table on the
//! public corpora in `../shared/data` and the real-ham table, with the default registry, then
//! the detection targets with what was measured against each.

use smishgate_core::Registry;

fn main() {
    let Some(data) = smishgate_tests::shared_data() else {
        eprintln!("../shared/data not found beside the workspace");
        std::process::exit(2);
    };
    let s = smishgate_tests::score::score(&data, Registry::builtin());
    print!("{}", s.table());
    println!();
    print!("{}", s.targets());
    if std::env::args().any(|a| a == "--ids") {
        println!("\nquarantined ham: {:?}", s.quarantined_ham);
        println!("\ndelivered smishing: {:?}", s.missed_smishing);
    }
}
