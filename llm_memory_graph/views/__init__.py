"""What people read: text and JSON views for the command line, and pictures of subgraphs
(Mermaid, DOT, HTML); pure functions, no I/O."""
