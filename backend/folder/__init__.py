"""The user's receipt folder (票夹): receipts a mini-program user has claimed by scanning."""
