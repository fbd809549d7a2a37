"""Reading a question once into the goods' facts, and follow-ups into the conversation."""
