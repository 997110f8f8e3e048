"""What the marts say that needs attention: emerging issues and risk items as alerts
(`emerging`, `alerts`), root-cause candidates (`root_causes`), and sending alerts (`delivery`).
Frames in, findings out; the pipeline reads and stores them through `warehouse`."""
