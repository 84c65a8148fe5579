"""The shipped plan library (package data `jtcompare.library`): plans.toml and the plan texts."""
