"""The benchmark: the assistant against simple alternatives, on this machine, in one run (`make bench`)."""
