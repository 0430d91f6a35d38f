"""Reading a parent's message: text folding, the pattern compiler, the matchers, the NLU components."""
