"""Building what each recording call writes, and the batches and buffered writers that
collect such calls before one store write; validation only, no I/O of their own."""
