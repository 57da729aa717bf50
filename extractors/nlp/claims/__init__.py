"""Claims: sentences that assert something arguable or checkable about the gap."""
