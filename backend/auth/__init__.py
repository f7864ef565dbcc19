"""Mini-program users: WeChat login (jscode2session) and our own session tokens."""
