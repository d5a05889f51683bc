"""What every app shares and none owns: view decorators, the form-error helper, the image
reader, admin actions that ask for a reason, the API's error handler, the demo loader, and
the base of the local protocol servers that tests and benchmarks talk to.

It imports no other app (only its `seed_demo` command, which puts them together like
huntaze/urls.py does), so any app may import it."""
