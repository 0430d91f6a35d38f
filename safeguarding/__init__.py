"""The safeguarding assistant's own code, one package per layer.

From the bottom up; a module imports only from the layers below its own
(tests/test_layers.py checks this):

- ``content``: loading and validating the YAML files in content/ (no Rasa: the action server reads it too)
- ``rasa_patches``: every change to Rasa's own behaviour, in one place
- ``nlu``: reading a parent's message: text folding, the pattern compiler, the matchers, the NLU components
- ``dialogue``: what the assistant does next: the escalation policy
- ``channels``: how messages come in: the REST channel
- ``storage``: where conversations and locks are kept, and for how long

Above them, outside this package: ``actions/`` (the action server), ``web/`` (the pages and
their builder) and ``deploy/`` (the scaled-out cluster).
"""
