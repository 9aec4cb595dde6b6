"""Reading the record: filters as SQL, the questions the pages ask, figures, exports."""
