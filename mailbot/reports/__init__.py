"""The KPI report (`mailbot report`): figures from the store (kpi), their types (model), output (render, charts)."""
