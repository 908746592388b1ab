"""`check --measure`: the session policy an app really has, found with the clock it allows."""
