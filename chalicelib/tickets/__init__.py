"""Case rules without storage: NIK validation, ticket numbers and working-day service levels."""
