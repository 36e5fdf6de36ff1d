/** The server's one unchecked exception family, mapped to HTTP statuses in http.ErrorMapper and to gRPC statuses in grpc.GrpcErrors. */
package dev.quantumliquid.server.error;
