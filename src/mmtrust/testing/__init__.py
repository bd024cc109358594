"""Parts for checking mmtrust against real, misbehaving services (a scripted OpenAI-compatible
server); used by the tests and benchmarks, and by users checking their own harness."""
