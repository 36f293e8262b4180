using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OAuth2Capture.PostgreSql.Migrations
{
    /// <inheritdoc />
    internal partial class AddRefreshLease : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RefreshLeaseExpiresAt",
                table: "oauth2capture_tokens",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RefreshLeaseOwner",
                table: "oauth2capture_tokens",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RefreshLeaseExpiresAt",
                table: "oauth2capture_tokens");

            migrationBuilder.DropColumn(
                name: "RefreshLeaseOwner",
                table: "oauth2capture_tokens");
        }
    }
}
