"""Public verification (查验) and reimbursement locking (报销锁定)."""
