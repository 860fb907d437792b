// Placeholder so the target has a source file; replaced as the module grows.
