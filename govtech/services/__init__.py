"""The only code that writes: one module per aggregate, each verb one function with an actor."""
