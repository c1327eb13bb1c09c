package config

// Named limits on configuration input. Each is checked before the work it bounds.
const (
	// MaxDocumentSize is the largest configuration document Parse and Load accept, in bytes.
	MaxDocumentSize = 1 << 20
	// MaxDepth is the deepest nesting of objects and arrays in a document.
	MaxDepth = 64
	// MaxValues is the largest number of values (scalars, objects and arrays) in a document.
	MaxValues = 1 << 16
	// MaxStringLength is the longest string or key in a document, in bytes as written.
	MaxStringLength = 64 << 10
	// MaxEndpoints is the largest number of endpoints in one endpoint list (per mode).
	MaxEndpoints = 256
	// MaxEndpointLength is the longest endpoint string, in bytes.
	MaxEndpointLength = 1024
	// MaxWarnings is the largest number of warnings Parse reports; further ones are counted in
	// a final summary warning.
	MaxWarnings = 64
	// MaxPathLength is the longest key path Get and Insert accept, in bytes.
	MaxPathLength = 1024
)
