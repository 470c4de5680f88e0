"""How every REST API of these apps reads, authenticates and refuses: the base view, the error
handler and refusals, the session authentication and the learner's gate."""
