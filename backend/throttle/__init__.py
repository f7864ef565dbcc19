"""Rate limits shared by every process of a deployment, and the client address they count."""
